package io.stampd.netconf.engine;

import io.stampd.store.RollbackJournal;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running configuration from before a confirmed commit that waits for confirmation, kept
 * next to running.xml ({@code running.xml.pre-confirm}) until the commit is confirmed, cancelled or
 * rolled back. If the agent stops or crashes meanwhile, {@link #recover} puts it back as
 * running.xml before anything reads that: the agent starts as the timer would have left it.
 */
final class PreConfirmFile implements RollbackJournal {
    private static final Logger LOG = LoggerFactory.getLogger(PreConfirmFile.class);

    private final RunningConfigFile file;

    PreConfirmFile(Path running, ConfigXml xml) {
        this.file = new RunningConfigFile(path(running), xml);
    }

    static Path path(Path running) {
        return running.resolveSibling(running.getFileName() + ".pre-confirm");
    }

    @Override
    public void pending(ContainerNode rollback) throws StoreException {
        try {
            file.save(Optional.of(rollback));
        } catch (IOException e) {
            throw new StoreException(StoreError.operationFailed(null, "cannot keep the configuration to roll back"
                    + " to in " + file.path() + ": " + e.getMessage() + "; the confirmed commit is refused"));
        }
    }

    @Override
    public void cleared() {
        try {
            Files.deleteIfExists(file.path());
        } catch (IOException e) {
            // the next start would roll back a confirmed change: say so loudly
            LOG.error("cannot remove {} after the confirmed commit ended; remove it before the agent restarts, or it"
                    + " restores the configuration from before that commit: {}", file.path(), e.getMessage());
        }
    }

    /**
     * At start: a confirmed commit was left unconfirmed when the agent stopped; its previous
     * configuration becomes running.xml again (an atomic rename). Returns whether it did.
     */
    static boolean recover(Path running) throws IOException {
        Path pre = path(running);
        if (!Files.exists(pre)) {
            return false;
        }
        try {
            Files.move(pre, running, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot restore " + running + " from " + pre + " atomically: " + e.getMessage(), e);
        }
        LOG.warn("the agent stopped while a confirmed commit waited for confirmation: restored the configuration"
                + " from before that commit ({} -> {})", pre, running);
        return true;
    }
}
