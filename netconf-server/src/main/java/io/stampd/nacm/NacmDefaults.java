package io.stampd.nacm;

import io.stampd.netconf.YangModels;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The access control a fresh agent starts with, written into running as {@code /nacm} at the first
 * start (and in force whenever running holds no {@code /nacm}). Two groups:
 *
 * <ul>
 *   <li><b>operator</b>: everything (one rule, module *, access *, permit). Every user of the
 *   agent's configuration file at that first start is in it (and the gRPC southbound's user), so
 *   that an agent upgraded to NACM, or started for the first time, lets its users do what they
 *   did before.</li>
 *   <li><b>read-only</b>: may read everything but the HMAC keys (/nacm included), run get,
 *   get-config, get-data, get-schema and create-subscription, and nothing else: every other
 *   operation and every write are denied. Empty at first: put users in with an edit of /nacm/groups.</li>
 * </ul>
 *
 * The global defaults are RFC 8341's: read-default permit, write-default deny, exec-default permit;
 * so a user in no group (one added to the configuration file later) may read (not /nacm nor the
 * HMAC keys, which their modules mark default-deny-all) and run operations, but changes nothing,
 * and may not kill-session.
 */
public final class NacmDefaults {
    public static final String OPERATOR = "operator";
    public static final String READ_ONLY = "read-only";

    /** What the read-only group may run besides close-session (which anybody may). */
    private static final String[][] READ_OPERATIONS = {
        {"ietf-netconf", "get"},
        {"ietf-netconf", "get-config"},
        {"ietf-netconf-nmda", "get-data"},
        {"ietf-netconf-monitoring", "get-schema"},
        {"notifications", "create-subscription"},
    };

    /** The HMAC key leaves (nacm:default-deny-all in stampd-stamp), which read-only users may not read. */
    private static final String[][] HMAC_KEYS = {
        {"key-chain-keys", "/sstamp:stamp/sstamp:key-chains/sstamp:key-chain/sstamp:key"},
        {"sender-keys", "/sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session/sstamp:security"
                + "/sstamp:key"},
        {"reflector-keys", "/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session"
                + "/sstamp:security/sstamp:key"},
    };

    private NacmDefaults() {
    }

    /** The {@code <config>} holding the default /nacm, with {@code operators} in group operator. */
    public static String xml(Collection<String> operators) {
        StringBuilder b = new StringBuilder();
        b.append("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">")
                .append("<nacm xmlns=\"").append(YangModels.NACM_NAMESPACE).append("\">")
                .append("<enable-nacm>true</enable-nacm>")
                .append("<read-default>permit</read-default>")
                .append("<write-default>deny</write-default>")
                .append("<exec-default>permit</exec-default>")
                .append("<groups>");
        b.append("<group><name>").append(OPERATOR).append("</name>");
        for (String user : new TreeSet<>(operators)) {
            b.append("<user-name>").append(escape(user)).append("</user-name>");
        }
        b.append("</group>");
        b.append("<group><name>").append(READ_ONLY).append("</name></group>");
        b.append("</groups>");

        b.append("<rule-list><name>").append(OPERATOR).append("</name><group>").append(OPERATOR).append("</group>");
        rule(b, "permit-all", "*", null, "*", "permit", "operators may do everything");
        b.append("</rule-list>");

        b.append("<rule-list><name>").append(READ_ONLY).append("</name><group>").append(READ_ONLY).append("</group>");
        // The HMAC keys are nacm:default-deny-all, but read-everything would permit them explicitly.
        for (String[] key : HMAC_KEYS) {
            rule(b, "hide-" + key[0], "stampd-stamp", "<path>" + key[1] + "</path>", "read", "deny",
                    "HMAC keys are for operators only");
        }
        rule(b, "read-everything", "*", null, "read", "permit",
                "read-only users may read all data but the HMAC keys");
        for (String[] op : READ_OPERATIONS) {
            rule(b, "permit-" + op[1], op[0], "<rpc-name>" + op[1] + "</rpc-name>", "exec", "permit", null);
        }
        rule(b, "deny-other-operations", "*", "<rpc-name>*</rpc-name>", "exec", "deny",
                "no edit-config, copy-config, commit, lock, kill-session or stampd operation");
        rule(b, "deny-writes", "*", null, "create update delete", "deny", "read-only users change nothing");
        b.append("</rule-list>");
        return b.append("</nacm></config>").toString();
    }

    private static void rule(StringBuilder b, String name, String module, String type, String access, String action,
                             String comment) {
        b.append("<rule><name>").append(name).append("</name><module-name>").append(module).append("</module-name>");
        if (type != null) {
            b.append(type);
        }
        b.append("<access-operations>").append(access).append("</access-operations><action>").append(action)
                .append("</action>");
        if (comment != null) {
            b.append("<comment>").append(escape(comment)).append("</comment>");
        }
        b.append("</rule>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
