package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.YangModels;
import io.stampd.store.StoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A rejected HMAC key (nacm:default-deny-all) is not quoted back in the rpc-error, nor in the log. */
class SecretValueErrorTest {
    private static ConfigModel model;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ConfigModel(YangModels.load().context());
    }

    private static StoreException refused(String stampBody) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(("<config xmlns='"
                + "urn:ietf:params:xml:ns:netconf:base:1.0'><stamp xmlns='" + YangModels.STAMP_NAMESPACE + "'>"
                + stampBody + "</stamp></config>").getBytes(StandardCharsets.UTF_8)));
        return assertThrows(StoreException.class, () -> model.content(doc.getDocumentElement()));
    }

    @Test
    void aMistypedKeyIsNotQuoted() throws Exception {
        String almostKey = "a1b2c3d4e5f60718293a4b5c6d7e8f9Z";
        StoreException e = refused("<key-chains><key-chain><name>k1</name><key>" + almostKey + "</key></key-chain>"
                + "</key-chains>");
        assertFalse(e.getMessage().contains(almostKey) || e.first().toString().contains(almostKey), e.toString());
        assertTrue(e.getMessage().contains("invalid value (32 characters, not shown) for key"), e.getMessage());

        e = refused("<stamp-session-reflector><reflector-test-session><session-index>1</session-index>"
                + "<security><key>" + almostKey + "</key></security></reflector-test-session>"
                + "</stamp-session-reflector>");
        assertFalse(e.getMessage().contains(almostKey), e.getMessage());
    }

    @Test
    void otherValuesAreStillQuoted() throws Exception {
        StoreException e = refused("<key-chains><key-chain><name>k1</name><key>00</key></key-chain></key-chains>"
                + "<stamp-session-reflector><reflector-test-session><session-index>x1</session-index>"
                + "</reflector-test-session></stamp-session-reflector>");
        assertTrue(e.getMessage().contains("'x1'"), e.getMessage());
    }
}
