package io.stampd.grpc;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A helper process of a test (openssl, python3, the stub generator): its exit code and everything it
 * printed, stdout and stderr together, read while it runs so that a full pipe cannot stall it.
 */
record ProcessRun(int exitCode, String output) {
    static ProcessRun of(List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        var output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e.getMessage()).append(')');
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            reader.join(5000);
            return new ProcessRun(-1, output + "\n(killed after " + timeoutSeconds + " s)");
        }
        reader.join();
        return new ProcessRun(process.exitValue(), output.toString());
    }

    static boolean commandExists(String path) {
        return Files.isExecutable(Path.of(path));
    }
}
