package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileExposureTest {
    @TempDir
    Path dir;

    private Path file(String mode) throws Exception {
        Path f = dir.resolve("agent.conf");
        Files.writeString(f, "netconf.user.admin.password-hash = $6$salt$hash\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void aWorldReadableFileWithHashesIsWarnedAbout() throws Exception {
        Optional<String> warning = ConfigFileExposure.warning(file("rw-r--r--"), true);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("holds password hashes and every user of this host can read it (rw-r--r--)")
                && warning.get().contains("chmod o-r"), warning.get());
    }

    @Test
    void groupReadableOrWithoutHashesIsFine() throws Exception {
        assertEquals(Optional.empty(), ConfigFileExposure.warning(file("rw-r-----"), true));
        assertEquals(Optional.empty(), ConfigFileExposure.warning(file("rw-r--r--"), false));
    }
}
