package io.stampd.tools;

import io.stampd.netconf.AgentMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The NETCONF agent (netconf-server's AgentMain) as a sub-command of the launcher. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the NETCONF agent and its STAMP sessions until SIGTERM/SIGINT (exit code 0).",
                "Exit code 2: a problem with the configuration file or with the saved running configuration."},
        footer = {"", AgentMain.SETTINGS})
final class AgentCommand implements Callable<Integer> {
    @Option(names = {"--config", "-c"}, required = true, paramLabel = "FILE",
            description = "Agent configuration: NETCONF users, port, host key, state directory.")
    Path config;

    @Override
    public Integer call() {
        return AgentMain.run(config, AgentMain.processStartNanos());
    }
}
