package io.stampd.netconf.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * Where running survives the agent: one XML file, replaced atomically on every commit (written to
 * a temporary file in the same directory, fsync'd, renamed over the old one, directory fsync'd),
 * so that a crash at any moment leaves either the old or the new configuration, never a mix. The
 * file is the agent's alone (0600), whatever the umask.
 */
final class RunningConfigFile {
    /** rw-------: the saved configuration holds HMAC keys, which only the agent reads. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** rwx------ for a state directory the agent creates itself (tools/install creates it 0750). */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path file;
    private final ConfigXml xml;

    RunningConfigFile(Path file, ConfigXml xml) {
        this.file = file;
        this.xml = xml;
    }

    Path path() {
        return file;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /**
     * The saved configuration: empty if the file holds an empty configuration or does not exist.
     * IOException if it cannot be read or parsed.
     */
    Optional<ContainerNode> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return xml.read(bytes);
    }

    void save(Optional<ContainerNode> root) throws IOException {
        byte[] bytes = xml.write(root);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, OWNER_ONLY_DIRECTORY);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        // Created anew (a leftover keeps its mode) with the owner's permissions only, whatever the
        // umask: running holds HMAC keys.
        Files.deleteIfExists(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteQuietly(tmp, e);
            throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
        } catch (IOException e) {
            // A full or failing disk: the half-written temporary file would hold the space and
            // mislead whoever looks at the directory; running.xml itself was not touched.
            deleteQuietly(tmp, e);
            throw e;
        }
        // The rename is durable only once the directory is.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void deleteQuietly(Path tmp, IOException cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
