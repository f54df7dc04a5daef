package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opendaylight.mdsal.dom.api.DOMSchemaService;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.model.api.RpcDefinition;
import org.opendaylight.yangtools.yang.model.api.source.SourceIdentifier;

/**
 * The modules the agent implements, announces in its hello and serves with get-schema: besides
 * stampd-stamp and its imports, ietf-netconf-monitoring (get-schema), ietf-netconf (the operations,
 * which OpenDaylight needs to parse get and get-config replies of a mounted device) and notifications
 * (create-subscription, behind :notification), each with the features the capabilities stand for.
 */
class YangModelsTest {
    private static final String DEVIATIONS_REVISION = "2026-12-07";
    private static final QNameModule NOTIFICATIONS =
            QNameModule.of(XMLNamespace.of("urn:ietf:params:xml:ns:netconf:notification:1.0"), Revision.of("2008-07-14"));

    @Test
    void theModelHoldsTheModulesOfTheImplementedOperations() throws Exception {
        var models = YangModels.load();
        var context = models.context();
        Set<String> modules = context.getModules().stream()
                .map(m -> m.getName() + "@" + m.getRevision().map(Revision::toString).orElse(""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of("stampd-stamp@" + YangModels.STAMP_REVISION, "ietf-inet-types@2013-07-15",
                "ietf-yang-types@2013-07-15", "ietf-netconf-monitoring@2010-10-04", "ietf-netconf@2011-06-01",
                "notifications@2008-07-14", "ietf-netconf-with-defaults@2011-06-01", "ietf-datastores@2018-02-14",
                "ietf-origin@2018-02-14", "ietf-yang-metadata@2016-08-05", "ietf-yang-library@2019-01-04",
                "ietf-netconf-nmda@2019-01-07", "stampd-deviations@" + DEVIATIONS_REVISION,
                "ietf-netconf-acm@2018-02-14")), modules);

        var netconf = context.findModule(YangModels.NETCONF_MODULE).orElseThrow();
        Set<String> rpcs = netconf.getRpcs().stream().map(r -> r.getQName().getLocalName())
                .collect(Collectors.toCollection(TreeSet::new));
        // candidate, validate and confirmed-commit are on, like :candidate, :validate and
        // :confirmed-commit:1.1 in the hello; startup and url are not
        assertTrue(rpcs.containsAll(Set.of("get", "get-config", "edit-config", "lock", "unlock", "commit",
                "discard-changes", "validate", "kill-session", "close-session", "cancel-commit")), rpcs.toString());
        assertTrue(context.findModule(NOTIFICATIONS).orElseThrow().getRpcs().stream().map(RpcDefinition::getQName)
                .anyMatch(QName.create(NOTIFICATIONS, "create-subscription")::equals));
    }

    @Test
    void getSchemaServesTheTextOfEveryModule() throws Exception {
        var models = YangModels.load();
        var texts = models.schemaService().findExtension(DOMSchemaService.YangTextSourceExtension.class).orElseThrow();
        for (var module : models.context().getModules()) {
            var id = new SourceIdentifier(module.getName(), module.getRevision().map(Revision::toString).orElse(null));
            String text = texts.getYangTexttSource(id).get(10, TimeUnit.SECONDS).read();
            assertTrue(text.matches("(?s).*\\bmodule\\s+" + module.getName() + "\\s*\\{.*"), id + ": " + text);
        }
    }
}
