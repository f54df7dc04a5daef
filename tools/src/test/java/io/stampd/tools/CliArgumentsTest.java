package io.stampd.tools;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad command lines give one line on stderr that names the argument, and a non-zero exit code. */
class CliArgumentsTest {
    private static String[] run(String... args) {
        MainRun r = MainRun.of(args);
        return new String[] {String.valueOf(r.exitCode()), r.stderr()};
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "probe --reflector fd00::1 --count abc | --count",
            "probe --reflector fd00::1 --interval 10 | --interval",
            "probe --reflector fd00::1 --interval 10xs | --interval",
            "probe --reflector fd00::1 --interval 500us | --interval",
            "probe --reflector fd00::1 --port 80 | --port",
            "probe --reflector fd00::1 --port 70000 | --port",
            "probe --reflector 10.0.0.1 --data-plane xdp --dev lo | --reflector 10.0.0.1 is IPv4, which --data-plane xdp does not support",
            "probe --reflector 10.0.0.1 --data-plane af-packet --dev lo | IPv4 is supported on the socket data plane only",
            "probe --reflector 10.0.0.1 --segments fd00::1,fd00::2 | --reflector 10.0.0.1 is IPv4, which cannot take --segments",
            "probe --reflector 10.0.0.1 --source fd00::1 | --source fd00::1 is IPv6 but --reflector 10.0.0.1 is IPv4",
            "probe --reflector 224.0.0.1 | --reflector",
            "probe --reflector 10.0.0.1.5 | --reflector",
            "reflect --sender 10.0.0.1 --data-plane xdp --dev lo | --sender 10.0.0.1 is IPv4, which --data-plane xdp does not support",
            "reflect --sender 10.0.0.1 --source fd00::1 | same IP version",
            "reflect --sender 10.0.0.1 --return-segments fd00::1,fd00::2 | --return-segments cannot serve an IPv4 session",
            "reflect --rate-limit 200/ | --rate-limit must be PPS or PPS/BURST",
            "reflect --rate-limit fast | --rate-limit must be PPS or PPS/BURST with whole numbers",
            "reflect --rate-limit 0 | --rate-limit: rate limit packets-per-second must be 1 to 100000000, not 0",
            "reflect --per-source-limit 10/0 | --per-source-limit: rate limit burst must be 1 to 1000000 packets, not 0",
            "flood --reflector 10.0.0.1 | --reflector 10.0.0.1 is IPv4",
            "probe --reflector fd00::zz | --reflector",
            "probe | --reflector",
            "probe --segments fd00::1,,fd00::2 | --segments",
            "probe --segments fd00::1,fd00::2 --reflector fd00::3 | --segments",
            "probe --reflector fd00::1 --ssid 65536 | --ssid",
            "probe --reflector fd00::1 --timestamp gps | --timestamp",
            "probe --reflector fd00::1 --key xyz | --key",
            "probe --reflector fd00::1 --length 45 | --length",
            "probe --reflector fd00::1 --percentiles 50,99 | --percentiles",
            "probe --reflector fd00::1 --bogus | --bogus",
            "probe --reflector fd00::1 --ecn ect2 | --ecn",
            "probe --reflector fd00::1 --cos 64 | --cos",
            "probe --reflector fd00::1 --cos 46,blue | --cos",
            "probe --reflector fd00::1 --cos af41 | --cos",
            "probe --reflector fd00::1 --cos 46 --length 48 | --length",
            "reflect --reply-dscp 64 | --reply-dscp",
            "reflect --port 1 | --port",
            "reflect --return-segments fd00::1,ff02::2 | --return-segments",
            "reflect --sender-port 99 | --sender-port",
            "reflect --ssid -5 | --ssid",
            "reflect --source 2001:db8::1:: | --source",
    })
    void badArgumentIsNamedOnOneLine(String commandLine, String argument) {
        String[] r = run(commandLine.trim().split(" +"));
        String err = r[1].strip();
        assertNotEquals("0", r[0], "exit code for: " + commandLine);
        assertEquals(1, err.lines().count(), "one line for: " + commandLine + " -> " + err);
        assertTrue(err.contains(argument), "'" + err + "' should name " + argument);
    }
}
