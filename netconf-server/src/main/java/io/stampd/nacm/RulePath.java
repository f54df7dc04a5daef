package io.stampd.nacm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code path} of a data-node rule (RFC 8341, node-instance-identifier): an absolute
 * instance-identifier whose key predicates are optional, e.g.
 * {@code /sstamp:stamp/sstamp:key-chains} or
 * {@code /sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session[sstamp:stamp-session-id='7']}.
 * It matches the node it names and every node below it; a step without a key predicate stands for
 * every entry of its list. {@code /} matches every data node.
 *
 * <p>The value is stored as text, so the XML namespace declarations in force where the client
 * wrote it are gone: a prefix is read as a module's own prefix (sstamp, nacm, ncm) or as a module
 * name (stampd-stamp); a step without a prefix has its parent's namespace (any namespace at the
 * top).
 */
public final class RulePath {
    /** One step: a data node's name (namespace null: any) and key predicates by key leaf name ("." for a leaf-list value). */
    record Step(String namespace, String name, Map<String, String> predicates) {
        boolean matches(NodeStep node) {
            if (!name.equals(node.name()) || namespace != null && !namespace.equals(node.namespace())) {
                return false;
            }
            for (var p : predicates.entrySet()) {
                String value = node.keys().get(p.getKey());
                if (value == null || !value.equals(p.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One data node on the way from the root to a node: its name and, for list entries, its keys as text. */
    record NodeStep(String namespace, String name, Map<String, String> keys) {
    }

    private final String text;
    private final List<Step> steps;

    private RulePath(String text, List<Step> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /**
     * Parses a rule's path.
     *
     * @param namespaceOf the namespace of a module prefix or name, empty if no module has it
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static RulePath parse(String text, Function<String, Optional<String>> namespaceOf) {
        String t = text.strip();
        if (!t.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' is not an absolute path: it must start with /");
        }
        List<Step> steps = new ArrayList<>();
        if (t.equals("/")) {
            return new RulePath(text, steps);
        }
        int i = 0;
        String namespace = null;
        while (i < t.length()) {
            if (t.charAt(i) != '/') {
                throw new IllegalArgumentException("'" + text + "': expected / at position " + (i + 1));
            }
            i++;
            int start = i;
            while (i < t.length() && t.charAt(i) != '/' && t.charAt(i) != '[') {
                i++;
            }
            String qualified = t.substring(start, i).strip();
            String[] name = split(qualified, text);
            if (name[0] != null) {
                namespace = resolve(name[0], namespaceOf, text);
            }
            Map<String, String> predicates = new LinkedHashMap<>();
            while (i < t.length() && t.charAt(i) == '[') {
                int close = predicateEnd(t, i, text);
                String predicate = t.substring(i + 1, close).strip();
                int eq = predicate.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("'" + text + "': predicate [" + predicate
                            + "] is not [key='value'] (positions are not supported)");
                }
                String key = predicate.substring(0, eq).strip();
                String value = predicate.substring(eq + 1).strip();
                if (value.length() < 2 || value.charAt(0) != value.charAt(value.length() - 1)
                        || value.charAt(0) != '\'' && value.charAt(0) != '"') {
                    throw new IllegalArgumentException("'" + text + "': the value of [" + predicate
                            + "] must be quoted");
                }
                String keyName = key.equals(".") ? "." : split(key, text)[1];
                if (!key.equals(".") && split(key, text)[0] != null) {
                    resolve(split(key, text)[0], namespaceOf, text);
                }
                predicates.put(keyName, value.substring(1, value.length() - 1));
                i = close + 1;
            }
            steps.add(new Step(namespace, name[1], predicates));
        }
        return new RulePath(text, steps);
    }

    private static String[] split(String qualified, String text) {
        int colon = qualified.indexOf(':');
        String prefix = colon < 0 ? null : qualified.substring(0, colon);
        String local = colon < 0 ? qualified : qualified.substring(colon + 1);
        if (local.isEmpty() || !local.matches("[A-Za-z_][A-Za-z0-9_.-]*")
                || prefix != null && !prefix.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("'" + text + "': '" + qualified + "' is not a node name");
        }
        return new String[] {prefix, local};
    }

    private static String resolve(String prefix, Function<String, Optional<String>> namespaceOf, String text) {
        return namespaceOf.apply(prefix).orElseThrow(() -> new IllegalArgumentException("'" + text
                + "': no module has the prefix or name '" + prefix + "'"));
    }

    private static int predicateEnd(String t, int open, String text) {
        char quote = 0;
        for (int j = open + 1; j < t.length(); j++) {
            char c = t.charAt(j);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ']') {
                return j;
            }
        }
        throw new IllegalArgumentException("'" + text + "': unterminated predicate");
    }

    /** Whether this path names {@code node} (the steps from the root to it) or one of its ancestors. */
    boolean matches(List<NodeStep> node) {
        if (steps.size() > node.size()) {
            return false;
        }
        for (int i = 0; i < steps.size(); i++) {
            if (!steps.get(i).matches(node.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether this path may name a node strictly below {@code node} (so its subtree is not decided as a whole). */
    boolean mayMatchBelow(List<NodeStep> node) {
        if (steps.size() <= node.size()) {
            return false;
        }
        for (int i = 0; i < node.size(); i++) {
            if (!steps.get(i).matches(node.get(i))) {
                return false;
            }
        }
        return true;
    }

    List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    @Override
    public String toString() {
        return text;
    }
}
