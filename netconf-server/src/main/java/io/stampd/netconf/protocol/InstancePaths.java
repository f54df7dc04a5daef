package io.stampd.netconf.protocol;

import io.stampd.store.ErrorPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeWithValue;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.Module;

/**
 * Writes instance identifiers as the XPath of an error-path, with module prefixes:
 * {@code /sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session[sstamp:stamp-session-id='1']}.
 * Choices, which are nodes of a YangInstanceIdentifier but not of the XML, are left out.
 */
public final class InstancePaths {
    private static final Pattern STEP = Pattern.compile(
            "/(?:([A-Za-z_][\\w.-]*):)?([A-Za-z_][\\w.-]*)((?:\\[[^\\]]*\\])*)");
    private static final Pattern PREDICATE = Pattern.compile(
            "\\[\\s*(?:([A-Za-z_][\\w.-]*):)?([A-Za-z_][\\w.-]*|\\.)\\s*=\\s*('[^']*'|\"[^\"]*\")\\s*\\]");

    private final SchemaTree schema;

    public InstancePaths(SchemaTree schema) {
        this.schema = schema;
    }

    /** The error-path of a data node. */
    public ErrorPath of(YangInstanceIdentifier path) {
        var xpath = new StringBuilder();
        Map<String, String> namespaces = new LinkedHashMap<>();
        Object parent = schema.context();
        for (PathArgument arg : path.getPathArguments()) {
            QName name = arg.getNodeType();
            boolean entry = arg instanceof NodeIdentifierWithPredicates || arg instanceof NodeWithValue;
            Optional<DataSchemaNode> node;
            if (entry && parent instanceof DataSchemaNode list && list.getQName().equals(name)) {
                node = Optional.of(list); // an entry of the list node just passed
            } else {
                node = SchemaTree.schemaChild(parent, name);
            }
            parent = node.isPresent() ? node.get() : null;
            if (node.isPresent() && node.get() instanceof ChoiceSchemaNode) {
                continue;
            }
            if (!entry && isCollection(node)) {
                // the list or leaf-list node itself; its entry follows as the next argument
                if (arg.equals(path.getLastPathArgument())) {
                    appendStep(xpath, namespaces, name);
                }
                continue;
            }
            appendStep(xpath, namespaces, name);
            if (arg instanceof NodeIdentifierWithPredicates keys) {
                for (var key : keys.entrySet()) {
                    xpath.append('[');
                    appendName(xpath, namespaces, key.getKey());
                    xpath.append('=').append(quote(key.getValue())).append(']');
                }
            } else if (arg instanceof NodeWithValue<?> value) {
                xpath.append("[.=").append(quote(value.getValue())).append(']');
            }
        }
        return new ErrorPath(xpath.isEmpty() ? "/" : xpath.toString(), namespaces);
    }

    private static boolean isCollection(Optional<DataSchemaNode> node) {
        return node.isPresent() && (node.get() instanceof org.opendaylight.yangtools.yang.model.api.ListSchemaNode
                || node.get() instanceof org.opendaylight.yangtools.yang.model.api.LeafListSchemaNode);
    }

    private void appendStep(StringBuilder xpath, Map<String, String> namespaces, QName name) {
        xpath.append('/');
        appendName(xpath, namespaces, name);
    }

    private void appendName(StringBuilder xpath, Map<String, String> namespaces, QName name) {
        String prefix = schema.prefix(name);
        namespaces.putIfAbsent(prefix, name.getNamespace().toString());
        xpath.append(prefix).append(':').append(name.getLocalName());
    }

    private static String quote(Object value) {
        String s = String.valueOf(value);
        return s.indexOf('\'') < 0 ? "'" + s + "'" : "\"" + s + "\"";
    }

    /**
     * Adds module prefixes to a path written without them, as the commit hook writes its paths
     * ({@code /stamp/stamp-session-sender/sender-test-session[stamp-session-id='1']/return-path}).
     * Names are resolved in the schema by local name; a path that does not resolve is passed on as
     * written.
     */
    public ErrorPath ofPlainXPath(String plain) {
        if (plain == null || plain.isBlank()) {
            return null;
        }
        Matcher m = STEP.matcher(plain);
        var xpath = new StringBuilder();
        Map<String, String> namespaces = new LinkedHashMap<>();
        Object parent = schema.context();
        int at = 0;
        while (at < plain.length()) {
            if (!m.find(at) || m.start() != at || !(parent instanceof DataNodeContainer container)) {
                return ErrorPath.unprefixed(plain);
            }
            Optional<DataSchemaNode> node = resolve(container, m.group(1), m.group(2));
            if (node.isEmpty()) {
                return ErrorPath.unprefixed(plain);
            }
            QName name = node.get().getQName();
            appendStep(xpath, namespaces, name);
            Matcher p = PREDICATE.matcher(m.group(3));
            while (p.find()) {
                xpath.append('[');
                if (p.group(2).equals(".")) {
                    xpath.append('.');
                } else {
                    appendName(xpath, namespaces, QName.create(name.getModule(), p.group(2)));
                }
                xpath.append('=').append(p.group(3)).append(']');
            }
            parent = node.get();
            at = m.end();
        }
        return new ErrorPath(xpath.toString(), namespaces);
    }

    private Optional<DataSchemaNode> resolve(DataNodeContainer parent, String prefix, String localName) {
        if (prefix != null) {
            Optional<Module> module = schema.moduleByPrefix(prefix);
            if (module.isPresent()) {
                return SchemaTree.dataChild(parent, QName.create(module.get().getQNameModule(), localName))
                        .map(SchemaTree.Found::node);
            }
        }
        return SchemaTree.dataChildByLocalName(parent, localName).map(SchemaTree.Found::node);
    }
}
