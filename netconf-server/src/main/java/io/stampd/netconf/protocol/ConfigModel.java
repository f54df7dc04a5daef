package io.stampd.netconf.protocol;

import io.stampd.store.ConfigTree;
import io.stampd.store.StoreException;
import io.stampd.store.StoreSchema;
import java.util.List;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.w3c.dom.Element;

/**
 * The YANG model as the protocol operations use it: reading configuration XML, applying edits,
 * validating whole configurations, naming nodes in error-paths.
 */
public final class ConfigModel implements StoreSchema {
    private final EffectiveModelContext context;
    private final SchemaTree schema;
    private final LeafValues values;
    private final InstancePaths paths;
    private final ConfigXmlReader reader;
    private final EditApplier applier;
    private final ConfigValidator validator;

    public ConfigModel(EffectiveModelContext context) {
        this.context = context;
        this.schema = new SchemaTree(context);
        this.values = new LeafValues(context);
        this.paths = new InstancePaths(schema);
        this.reader = new ConfigXmlReader(schema, values, paths);
        this.applier = new EditApplier(schema, paths);
        this.validator = new ConfigValidator(schema, paths, values);
    }

    public EffectiveModelContext context() {
        return context;
    }

    public SchemaTree schema() {
        return schema;
    }

    public LeafValues values() {
        return values;
    }

    public InstancePaths paths() {
        return paths;
    }

    public EditApplier applier() {
        return applier;
    }

    public ConfigValidator validator() {
        return validator;
    }

    /** The steps of an edit-config's {@code <config>}. */
    public List<EditStep> edit(Element config, EditOperation defaultOperation) throws StoreException {
        return EditPlan.steps(reader.read(config, defaultOperation), defaultOperation);
    }

    /** A whole configuration given inline (copy-config, validate): the {@code <config>} as it stands. */
    public ContainerNode content(Element config) throws StoreException {
        List<EditStep> steps = edit(config, EditOperation.REPLACE);
        ConfigTree tree = newTree(ConfigTree.emptyRoot());
        tree.change(m -> applier.apply(steps, m));
        return tree.content();
    }

    @Override
    public void validate(ContainerNode content) throws StoreException {
        validator.validate(content);
    }

    @Override
    public ConfigTree newTree(ContainerNode content) {
        return new ConfigTree(context, paths, content);
    }
}
