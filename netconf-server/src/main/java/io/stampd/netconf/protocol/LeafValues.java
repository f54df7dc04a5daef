package io.stampd.netconf.protocol;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.xml.namespace.NamespaceContext;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.codec.xml.XmlCodecFactory;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.TypeDefinition;
import org.opendaylight.yangtools.yang.model.api.TypedDataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier.Absolute;
import org.opendaylight.yangtools.yang.model.api.type.DecimalTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.LengthRestrictedTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.RangeRestrictedTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.StringTypeDefinition;
import org.opendaylight.yangtools.yang.model.api.type.UnionTypeDefinition;
import org.opendaylight.yangtools.yang.model.util.SchemaInferenceStack;

/**
 * Turns the text of a leaf or leaf-list element into the typed value of its YANG type, checking
 * ranges, lengths, patterns, enums and union members (yangtools' XML codecs), and gives leaves
 * their YANG defaults in the same typed form.
 */
public final class LeafValues {
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern NON_DECIMAL_INTEGER = Pattern.compile("[+-]?0([xX][0-9a-fA-F]+|[0-7]+)");

    private final EffectiveModelContext context;
    private final XmlCodecFactory codecs;

    public LeafValues(EffectiveModelContext context) {
        this.context = context;
        this.codecs = XmlCodecFactory.create(context);
    }

    /**
     * Parses {@code text} as a value of {@code node}, whose position in the schema tree (with
     * choices and cases) is {@code schemaPath}.
     *
     * @throws IllegalArgumentException naming the reason the text is not a value of the type
     */
    public Object parse(TypedDataSchemaNode node, List<QName> schemaPath, String text, NamespaceContext names) {
        TypeDefinition<?> type = node.getType();
        String lexical = text;
        if (!isStringLike(type)) {
            // XML may wrap a number or enum in whitespace; only strings keep it.
            lexical = text.strip();
        }
        if (isInteger(type)) {
            // YANG integers are decimal (RFC 7950, 9.2.1); the codec would also read 0x10 and 010.
            if (!DECIMAL_INTEGER.matcher(lexical).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a decimal integer");
            }
            lexical = withoutLeadingZeros(lexical);
        } else if (type instanceof UnionTypeDefinition union && union.getTypes().stream().anyMatch(LeafValues::isInteger)) {
            if (DECIMAL_INTEGER.matcher(lexical).matches()) {
                lexical = withoutLeadingZeros(lexical);
            } else if (NON_DECIMAL_INTEGER.matcher(lexical).matches()
                    && union.getTypes().stream().noneMatch(LeafValues::isStringLike)) {
                throw new IllegalArgumentException("'" + text + "' is not a decimal integer");
            }
        }
        Absolute path = Absolute.of(schemaPath);
        var codec = codecs.codecFor(node, leafref -> SchemaInferenceStack.of(context, path).resolveLeafref(leafref));
        Object value = codec.parseValue(names, lexical);
        if (value == null) {
            throw new IllegalArgumentException("'" + text + "' is not a value of its type");
        }
        return UnionValues.text(value, type instanceof UnionTypeDefinition);
    }

    /** The YANG default of a leaf (its own or its type's), typed; empty if it has none. */
    public Optional<Object> defaultValue(LeafSchemaNode leaf, List<QName> schemaPath) {
        Optional<? extends Object> text = leaf.getType().getDefaultValue();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(leaf, schemaPath, text.get().toString(), null));
        } catch (RuntimeException e) {
            // A default the codec cannot read without the module's prefixes (identityref); not
            // reported rather than reported wrong.
            return Optional.empty();
        }
    }

    private static boolean isInteger(TypeDefinition<?> type) {
        return type instanceof RangeRestrictedTypeDefinition && !(type instanceof DecimalTypeDefinition);
    }

    private static boolean isStringLike(TypeDefinition<?> type) {
        return type instanceof StringTypeDefinition
                || type instanceof LengthRestrictedTypeDefinition && !(type instanceof RangeRestrictedTypeDefinition);
    }

    private static String withoutLeadingZeros(String s) {
        int sign = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        int i = sign;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return (sign == 1 && s.charAt(0) == '-' ? "-" : "") + s.substring(i);
    }
}
