package io.stampd.netconf.protocol;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.opendaylight.yangtools.yang.xpath.api.YangBinaryExpr;
import org.opendaylight.yangtools.yang.xpath.api.YangBinaryOperator;
import org.opendaylight.yangtools.yang.xpath.api.YangExpr;
import org.opendaylight.yangtools.yang.xpath.api.YangLiteralExpr;
import org.opendaylight.yangtools.yang.xpath.api.YangLocationPath;
import org.opendaylight.yangtools.yang.xpath.api.YangXPathAxis;
import org.opendaylight.yangtools.yang.xpath.api.YangXPathExpression.QualifiedBound;

/**
 * The few {@code when} expressions that decide whether a leaf's default applies, of the form
 * {@code ../leaf = 'value'} or {@code !=}: a relative path of parent steps and one child step
 * compared with a literal. Anything else is not evaluated (empty result); callers then do not
 * report the default rather than report it wrongly.
 */
final class WhenCondition {
    private WhenCondition() {
    }

    /**
     * Evaluates {@code when} for a node whose ancestors' levels are given innermost last;
     * {@code valueOf} answers the value (or default) of a leaf named by local name at a level.
     */
    static <L> Optional<Boolean> evaluate(QualifiedBound when, List<L> levels,
                                          BiFunction<L, String, Optional<String>> valueOf) {
        YangExpr root = when.getRootExpr();
        if (!(root instanceof YangBinaryExpr binary)) {
            return Optional.empty();
        }
        boolean equals;
        if (binary.getOperator() == YangBinaryOperator.EQUALS) {
            equals = true;
        } else if (binary.getOperator() == YangBinaryOperator.NOT_EQUALS) {
            equals = false;
        } else {
            return Optional.empty();
        }
        YangExpr left = binary.getLeftExpr();
        YangExpr right = binary.getRightExpr();
        if (left instanceof YangLiteralExpr && right instanceof YangLocationPath) {
            YangExpr t = left;
            left = right;
            right = t;
        }
        if (!(left instanceof YangLocationPath path) || path.isAbsolute() || !(right instanceof YangLiteralExpr literal)) {
            return Optional.empty();
        }
        // the context node is the leaf itself: each ".." climbs one level from its parent's level
        int level = levels.size();
        String child = null;
        for (var step : path.getSteps()) {
            if (child != null) {
                return Optional.empty();
            }
            if (step.getAxis() == YangXPathAxis.PARENT && !(step instanceof YangLocationPath.QNameStep)) {
                level--;
            } else if (step.getAxis() == YangXPathAxis.CHILD && step instanceof YangLocationPath.QNameStep named
                    && named.getPredicates().isEmpty()) {
                child = named.getQName().getLocalName();
            } else {
                return Optional.empty();
            }
        }
        if (child == null || level < 0 || level >= levels.size()) {
            return Optional.empty();
        }
        Optional<String> value = valueOf.apply(levels.get(level), child);
        if (value.isEmpty()) {
            return Optional.of(!equals); // a missing node equals no literal
        }
        return Optional.of(value.get().equals(literal.getLiteral()) == equals);
    }
}
