package io.stampd.netconf.engine;

import io.stampd.netconf.YangModels;
import java.util.concurrent.ConcurrentHashMap;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;

/**
 * Names of stampd-stamp.yang's nodes as yangtools identifiers. Cached because the state writer
 * names some hundred thousand nodes per refresh with 1,000 sessions.
 */
final class StampNames {
    private static final ConcurrentHashMap<String, QName> QNAMES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, NodeIdentifier> IDS = new ConcurrentHashMap<>();

    private StampNames() {
    }

    static QName qname(String localName) {
        return QNAMES.computeIfAbsent(localName, n -> QName.create(YangModels.STAMP_MODULE, n).intern());
    }

    static NodeIdentifier id(String localName) {
        return IDS.computeIfAbsent(localName, n -> NodeIdentifier.create(qname(n)));
    }
}
