package io.stampd.tools;

import io.stampd.sys.bpf.Xdp;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --mode native|generic|auto} of the commands that attach an XDP program. */
final class XdpModeOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    Xdp.Mode mode = Xdp.Mode.NATIVE;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "native",
            description = "XDP mode: native (default), generic or auto.")
    void setMode(String value) {
        try {
            mode = Xdp.Mode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--mode must be native, generic or auto, got '"
                    + value + "'");
        }
    }
}
