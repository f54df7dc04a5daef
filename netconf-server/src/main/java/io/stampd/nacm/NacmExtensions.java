package io.stampd.nacm;

import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.model.api.meta.EffectiveStatement;
import org.opendaylight.yangtools.yang.model.api.stmt.UnknownEffectiveStatement;

/**
 * The nacm:default-deny-write and nacm:default-deny-all extensions (RFC 8341 section 3.4.5) of a
 * schema node. default-deny-all also marks a secret (the HMAC keys): what reads it is access
 * control; what quotes a rejected value of it (an rpc-error) leaves the value out.
 */
public final class NacmExtensions {
    private NacmExtensions() {
    }

    /** Whether {@code node} (a data node or an rpc) carries nacm:default-deny-all. */
    public static boolean defaultDenyAll(Object node) {
        return has(node, "default-deny-all");
    }

    /** Whether a schema node (data node or rpc) carries the nacm extension {@code name}. */
    static boolean has(Object node, String name) {
        if (!(node instanceof EffectiveStatement<?, ?> statement)) {
            return false;
        }
        QName extension = NacmConfig.qname(name);
        for (EffectiveStatement<?, ?> sub : statement.effectiveSubstatements()) {
            if (sub instanceof UnknownEffectiveStatement<?, ?>
                    && extension.equals(sub.statementDefinition().getStatementName())) {
                return true;
            }
        }
        // yangtools keeps an extension it has no support for only in the declared model
        var declared = statement.getDeclared();
        return declared != null && declared.declaredSubstatements().stream()
                .anyMatch(sub -> extension.equals(sub.statementDefinition().getStatementName()));
    }
}
