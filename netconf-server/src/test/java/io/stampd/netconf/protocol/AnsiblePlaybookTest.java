package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/ansible/stampd-session.yml against a forked agent: ansible.netcommon's netconf_config
 * configures a reflector and a sender session aimed at it (edit-config of the candidate, commit,
 * with Ansible's lock and unlock), netconf_get reads the session back from running and its
 * statistics from the state, and the playbook's own asserts check them.
 */
class AnsiblePlaybookTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void ansibleIsThere() throws Exception {
        boolean playbook;
        try {
            playbook = ClientTools.run(List.of("ansible-playbook", "--version"), Map.of(), 120).exitCode() == 0;
        } catch (java.io.IOException e) {
            playbook = false;
        }
        ClientTools.require(playbook, "ansible-playbook missing (apt-get install ansible)");
        var netcommon = ClientTools.run(List.of("ansible-doc", "-t", "connection", "-l"), Map.of(), 120);
        ClientTools.require(netcommon.output().contains("ansible.netcommon.netconf"),
                "the ansible.netcommon collection (netconf connection) is missing");
    }

    /** tools/ansible of the repository, found from the module's directory. */
    private static Path playbook() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("tools/ansible/stampd-session.yml");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("tools/ansible/stampd-session.yml not found above " + Path.of("")
                .toAbsolutePath());
    }

    @Test
    void playbookConfiguresASessionAndReadsItBack() throws Exception {
        int reflectorPort;
        try (var s = new DatagramSocket(new InetSocketAddress(0))) {
            reflectorPort = s.getLocalPort();
        }
        try (ForkedAgent agent = ForkedAgent.start(dir, "127.0.0.1")) {
            Path inventory = dir.resolve("inventory.ini");
            Files.writeString(inventory, "[stampd]\n"
                    + "agent ansible_host=" + agent.host() + " ansible_port=" + agent.port() + "\n"
                    + "[stampd:vars]\n"
                    + "ansible_connection=ansible.netcommon.netconf\n"
                    + "ansible_network_os=ansible.netcommon.default\n"
                    + "ansible_user=" + ForkedAgent.USER + "\n"
                    + "ansible_password=" + agent.password() + "\n");
            var run = ClientTools.run(List.of("ansible-playbook", "-i", inventory.toString(), playbook().toString(),
                            "-e", "session_id=42", "-e", "reflector_ip=::1", "-e", "reflector_port=" + reflectorPort,
                            "-e", "interval_us=100000", "-e", "local_reflector=true"),
                    Map.of("ANSIBLE_HOST_KEY_CHECKING", "False", "ANSIBLE_NOCOLOR", "1",
                            "ANSIBLE_LOCAL_TEMP", dir.resolve("ansible-tmp").toString(),
                            "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR", dir.resolve("ansible-cp").toString()), 600);
            System.out.print(run.output());
            assertEquals(0, run.exitCode(), "ansible-playbook failed:\n" + run.output() + "\nagent log:\n"
                    + agent.log());
            assertTrue(run.output().contains("failed=0"), run.output());
            assertTrue(run.output().matches("(?s).*session 42: active, [1-9][0-9]* packets sent.*"), run.output());
        }
    }
}
