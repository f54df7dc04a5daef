package io.stampd.netconf;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opendaylight.mdsal.dom.api.DOMSchemaService;
import org.opendaylight.mdsal.dom.spi.FixedDOMSchemaService;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.source.SourceIdentifier;
import org.opendaylight.yangtools.yang.model.api.source.YangTextSource;
import org.opendaylight.yangtools.yang.model.api.stmt.FeatureSet;
import org.opendaylight.yangtools.yang.model.spi.source.StringYangTextSource;
import org.opendaylight.yangtools.yang.parser.api.YangParserException;
import org.opendaylight.yangtools.yang.parser.impl.DefaultYangParserFactory;

/**
 * The YANG modules the agent serves, parsed at start-up (no generated code): stampd's own from the
 * jar (copied there from the repository's yang/ directory), the IETF ones (RFC 8341's ietf-netconf-acm
 * among them) from OpenDaylight's model jars. The same texts answer get-schema and make up the module capabilities of the hello
 * and the YANG library (RFC 8525); {@link #features()} is what the library reports as supported.
 */
public final class YangModels {
    public static final String STAMP_NAMESPACE = "urn:stampd:yang:stampd-stamp";
    public static final String STAMP_REVISION = "2026-12-07";
    public static final QNameModule STAMP_MODULE =
            QNameModule.of(XMLNamespace.of(STAMP_NAMESPACE), Revision.of(STAMP_REVISION));

    /** The namespace of ietf-netconf-acm (RFC 8341), whose /nacm holds the access control rules. */
    public static final String NACM_NAMESPACE = "urn:ietf:params:xml:ns:yang:ietf-netconf-acm";

    /** stampd's features that this agent implements: the xdp and af-packet data planes. */
    static final List<String> STAMP_FEATURES = List.of("xdp", "af-packet");

    static final QNameModule NETCONF_MODULE = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:netconf:base:1.0"), Revision.of("2011-06-01"));
    /**
     * ietf-netconf's features that the base operations implement (:writable-running, :candidate,
     * :confirmed-commit:1.1, :rollback-on-error, :validate:1.1); not startup, url, xpath.
     */
    static final List<String> NETCONF_FEATURES =
            List.of("writable-running", "candidate", "confirmed-commit", "rollback-on-error", "validate");
    static final QNameModule NMDA_MODULE = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"), Revision.of("2019-01-07"));
    /** get-data's with-origin and origin filters, and its with-defaults (RFC 8526, 3.1.1). */
    static final List<String> NMDA_FEATURES = List.of("origin", "with-defaults");

    private static final List<String> RESOURCES = List.of(
            "/META-INF/stampd/yang/stampd-stamp.yang",
            "/META-INF/yang/ietf-inet-types@2013-07-15.yang",
            "/META-INF/yang/ietf-yang-types@2013-07-15.yang",
            // /netconf-state and get-schema (RFC 6022): advertised so that controllers download the models
            "/META-INF/yang/ietf-netconf-monitoring@2010-10-04.yang",
            // the base operations (RFC 6241) and their with-defaults parameter (RFC 6243), which every
            // NETCONF server implements and so announces: OpenDaylight parses the replies of get and
            // get-config with the device's ietf-netconf and cannot read a mounted device that lacks it
            "/META-INF/yang/ietf-netconf@2011-06-01.yang",
            "/META-INF/yang/ietf-netconf-with-defaults@2011-06-01.yang",
            // NMDA: datastore and origin identities (RFC 8342), the origin annotation's extension
            // (RFC 7952), /yang-library (RFC 8525), get-data and edit-data (RFC 8526)
            "/META-INF/yang/ietf-datastores@2018-02-14.yang",
            "/META-INF/yang/ietf-origin@2018-02-14.yang",
            "/META-INF/yang/ietf-yang-metadata@2016-08-05.yang",
            "/META-INF/yang/ietf-yang-library@2019-01-04.yang",
            "/META-INF/yang/ietf-netconf-nmda@2019-01-07.yang",
            "/META-INF/stampd/yang/stampd-deviations.yang",
            // create-subscription (RFC 5277), behind the :notification capability, for which
            // OpenDaylight requires this module and otherwise reports it as an unavailable
            // capability (missing source) of the mounted node.
            "/META-INF/yang/notifications@2008-07-14.yang",
            // /nacm (RFC 8341): the access control rules are configuration in running
            "/META-INF/yang/ietf-netconf-acm@2018-02-14.yang");

    private static final FeatureSet FEATURES = FeatureSet.builder()
            .addModuleFeatures(STAMP_MODULE, STAMP_FEATURES)
            .addModuleFeatures(NETCONF_MODULE, NETCONF_FEATURES)
            .addModuleFeatures(NMDA_MODULE, NMDA_FEATURES)
            .build();

    private final EffectiveModelContext context;
    private final Map<SourceIdentifier, YangTextSource> sources;

    private YangModels(EffectiveModelContext context, Map<SourceIdentifier, YangTextSource> sources) {
        this.context = context;
        this.sources = sources;
    }

    public static YangModels load() throws IOException, YangParserException {
        var parser = new DefaultYangParserFactory().createParser();
        parser.setSupportedFeatures(FEATURES);
        Map<SourceIdentifier, YangTextSource> texts = new LinkedHashMap<>();
        for (String resource : RESOURCES) {
            String text = read(resource);
            // The parser needs a name; get-schema needs name and revision, which the module must match.
            String file = resource.substring(resource.lastIndexOf('/') + 1);
            SourceIdentifier declared = declaredIdentity(text, file);
            var source = new StringYangTextSource(declared, text, file);
            parser.addSource(source);
            texts.put(declared, source);
        }
        return new YangModels(parser.buildEffectiveModel(), Map.copyOf(texts));
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = YangModels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("YANG module " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Module name and first (newest) revision statement of a module text. */
    private static SourceIdentifier declaredIdentity(String text, String file) throws IOException {
        var m = java.util.regex.Pattern.compile("(?m)^\\s*module\\s+([A-Za-z_][A-Za-z0-9_.-]*)").matcher(text);
        if (!m.find()) {
            throw new IOException(file + " is not a YANG module");
        }
        var r = java.util.regex.Pattern.compile("(?m)^\\s*revision\\s+\"?(\\d{4}-\\d{2}-\\d{2})").matcher(text);
        return new SourceIdentifier(m.group(1), r.find() ? r.group(1) : null);
    }

    public EffectiveModelContext context() {
        return context;
    }

    /**
     * The features the model was built with: those listed here for stampd-stamp, ietf-netconf and
     * ietf-netconf-nmda, every feature of the other modules (they have none).
     */
    public FeatureSet features() {
        return FEATURES;
    }

    /** A schema service with the YANG text extension that get-schema and the capabilities need. */
    public DOMSchemaService schemaService() {
        DOMSchemaService.YangTextSourceExtension texts = this::source;
        return new FixedDOMSchemaService(() -> context, texts);
    }

    private ListenableFuture<YangTextSource> source(SourceIdentifier id) {
        YangTextSource s = sources.get(id);
        if (s == null && id.revision() == null) {
            s = sources.entrySet().stream().filter(e -> e.getKey().name().equals(id.name()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return s != null ? Futures.immediateFuture(s)
                : Futures.immediateFailedFuture(new IOException("no YANG source for " + id));
    }
}
