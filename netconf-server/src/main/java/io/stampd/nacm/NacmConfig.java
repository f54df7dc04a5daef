package io.stampd.nacm;

import io.stampd.netconf.YangModels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;

/**
 * The access control configuration of {@code /nacm} (ietf-netconf-acm, RFC 8341) as the checks
 * use it: the global switches and defaults, group membership by user, and the rule-lists in their
 * configured order. Absent leaves take the module's defaults (enable-nacm true, read-default
 * permit, write-default deny, exec-default permit).
 */
public record NacmConfig(boolean enabled, boolean readPermit, boolean writePermit, boolean execPermit,
                         Map<String, Set<String>> groupsByUser, List<RuleList> ruleLists) {

    public static final QNameModule MODULE = QNameModule.of(XMLNamespace.of(YangModels.NACM_NAMESPACE),
            Revision.of("2018-02-14"));
    public static final NodeIdentifier NACM = NodeIdentifier.create(qname("nacm"));

    /** What a rule applies to: its rule-type case (none: every request of its module). */
    enum Kind { ANY, PROTOCOL_OPERATION, NOTIFICATION, DATA_NODE }

    /**
     * One rule.
     *
     * @param module the module-name, "*" for all
     * @param name   the rpc-name or notification-name ("*" for all); null for other kinds
     * @param path   the data-node path; null for other kinds
     * @param access the access operations it covers
     */
    record Rule(String ruleList, String rule, String module, Kind kind, String name, RulePath path,
                Set<Access> access, boolean permit) {
        boolean coversEverything() {
            return "*".equals(module) && kind == Kind.ANY && access.size() == Access.values().length;
        }

        @Override
        public String toString() {
            return "rule-list " + ruleList + " rule " + rule;
        }
    }

    /** A rule-list and the groups it applies to ("*": every group). */
    record RuleList(String name, Set<String> groups, List<Rule> rules) {
    }

    /** NACM as if /nacm held nothing: RFC 8341's defaults, no groups, no rules. */
    public static final NacmConfig EMPTY = new NacmConfig(true, true, false, true, Map.of(), List.of());

    public NacmConfig {
        groupsByUser = Map.copyOf(groupsByUser);
        ruleLists = List.copyOf(ruleLists);
    }

    /** The groups of a user (configured in /nacm/groups; stampd has no external groups). */
    public Set<String> groupsOf(String user) {
        return groupsByUser.getOrDefault(user, Set.of());
    }

    /** The rules of the rule-lists that apply to {@code user}'s groups, in the order they are checked. */
    List<Rule> rulesFor(String user) {
        Set<String> groups = groupsOf(user);
        List<Rule> rules = new ArrayList<>();
        if (groups.isEmpty()) {
            return List.of(); // RFC 8341, 3.4.4 step 5: no groups, no rules; the defaults decide
        }
        for (RuleList list : ruleLists) {
            if (list.groups().contains("*") || list.groups().stream().anyMatch(groups::contains)) {
                rules.addAll(list.rules());
            }
        }
        return List.copyOf(rules);
    }

    static QName qname(String local) {
        return QName.create(MODULE, local);
    }

    /**
     * Reads a {@code /nacm} container.
     *
     * @param namespaceOf the namespace of a module prefix or name, for rule paths
     * @throws IllegalArgumentException naming the rule whose path cannot be read
     */
    public static NacmConfig parse(ContainerNode nacm, Function<String, Optional<String>> namespaceOf) {
        boolean enabled = bool(nacm, "enable-nacm", true);
        boolean read = action(nacm, "read-default", true);
        boolean write = action(nacm, "write-default", false);
        boolean exec = action(nacm, "exec-default", true);
        Map<String, Set<String>> groupsByUser = new HashMap<>();
        DataContainerNode groups = container(nacm, "groups");
        for (MapEntryNode g : entries(groups, "group")) {
            String group = text(g, "name").orElseThrow();
            for (String user : leafList(g, "user-name")) {
                groupsByUser.computeIfAbsent(user, u -> new HashSet<>()).add(group);
            }
        }
        List<RuleList> lists = new ArrayList<>();
        for (MapEntryNode l : entries(nacm, "rule-list")) {
            String listName = text(l, "name").orElseThrow();
            Set<String> listGroups = new LinkedHashSet<>(leafList(l, "group"));
            List<Rule> rules = new ArrayList<>();
            for (MapEntryNode r : entries(l, "rule")) {
                rules.add(rule(listName, r, namespaceOf));
            }
            lists.add(new RuleList(listName, Set.copyOf(listGroups), List.copyOf(rules)));
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        groupsByUser.forEach((u, g) -> frozen.put(u, Set.copyOf(g)));
        return new NacmConfig(enabled, read, write, exec, frozen, lists);
    }

    private static Rule rule(String list, MapEntryNode r, Function<String, Optional<String>> namespaceOf) {
        String name = text(r, "name").orElseThrow();
        String module = text(r, "module-name").orElse("*");
        ChoiceNode type = r.childByArg(NodeIdentifier.create(qname("rule-type"))) instanceof ChoiceNode c ? c : null;
        Kind kind = Kind.ANY;
        String target = null;
        RulePath path = null;
        if (type != null) {
            if (text(type, "rpc-name").isPresent()) {
                kind = Kind.PROTOCOL_OPERATION;
                target = text(type, "rpc-name").get();
            } else if (text(type, "notification-name").isPresent()) {
                kind = Kind.NOTIFICATION;
                target = text(type, "notification-name").get();
            } else if (text(type, "path").isPresent()) {
                kind = Kind.DATA_NODE;
                try {
                    path = RulePath.parse(text(type, "path").get(), namespaceOf);
                } catch (IllegalArgumentException e) {
                    throw new BadRule(list, name, e.getMessage());
                }
            }
        }
        Set<Access> access = accessOperations(r.childByArg(NodeIdentifier.create(qname("access-operations"))));
        boolean permit = text(r, "action").map("permit"::equals).orElse(false);
        return new Rule(list, name, module, kind, target, path, access, permit);
    }

    /** A rule whose path cannot be read; says which. */
    static final class BadRule extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String ruleList;
        final String rule;

        BadRule(String ruleList, String rule, String message) {
            super("rule-list " + ruleList + " rule " + rule + ": path " + message);
            this.ruleList = ruleList;
            this.rule = rule;
        }
    }

    /** access-operations: "*" or a set of bits (absent: "*", the module's default). */
    private static Set<Access> accessOperations(DataContainerChild leaf) {
        if (!(leaf instanceof LeafNode<?> l)) {
            return EnumSet.allOf(Access.class);
        }
        Object v = l.body();
        Collection<?> names;
        if (v instanceof Collection<?> bits) {
            names = bits;
        } else {
            String s = String.valueOf(v).strip();
            if (s.equals("*")) {
                return EnumSet.allOf(Access.class);
            }
            names = List.of(s.split("\\s+"));
        }
        Set<Access> access = EnumSet.noneOf(Access.class);
        for (Object n : names) {
            access.add(Access.ofYangName(String.valueOf(n)));
        }
        return access;
    }

    // ---- reading NormalizedNodes of this module

    private static Optional<String> text(DataContainerNode parent, String local) {
        if (parent == null) {
            return Optional.empty();
        }
        return parent.childByArg(NodeIdentifier.create(qname(local))) instanceof LeafNode<?> l
                ? Optional.of(String.valueOf(l.body())) : Optional.empty();
    }

    private static boolean bool(DataContainerNode parent, String local, boolean otherwise) {
        return text(parent, local).map(Boolean::parseBoolean).orElse(otherwise);
    }

    private static boolean action(DataContainerNode parent, String local, boolean otherwise) {
        return text(parent, local).map("permit"::equals).orElse(otherwise);
    }

    private static DataContainerNode container(DataContainerNode parent, String local) {
        return parent.childByArg(NodeIdentifier.create(qname(local))) instanceof DataContainerNode c ? c : null;
    }

    private static Collection<MapEntryNode> entries(DataContainerNode parent, String local) {
        if (parent == null) {
            return List.of();
        }
        return parent.childByArg(NodeIdentifier.create(qname(local))) instanceof MapNode m ? m.body() : List.of();
    }

    private static List<String> leafList(DataContainerNode parent, String local) {
        if (parent.childByArg(NodeIdentifier.create(qname(local))) instanceof LeafSetNode<?> set) {
            return set.body().stream().map(e -> String.valueOf(e.body())).toList();
        }
        return List.of();
    }
}
