package io.aami.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The namespace test hosts reach the test's own leg over IPv4 and IPv6, and lose it when cut off. */
class NetnsLanTest {
    @Test
    void hostsReachTheTestOverTheLanAndNotWhenCutOff() throws Exception {
        try (NetnsLan lan = NetnsLan.create()) {
            NetnsHost host = lan.addHost();
            assertThat(lan.addHost().address()).isNotEqualTo(host.address());
            assertThat(send(host, lan.rootAddress(), "v4")).isEqualTo("v4");
            assertThat(send(host, lan.rootAddressV6(), "v6")).isEqualTo("v6");

            host.linkDown();
            assertThat(exitOfConnect(host, lan.rootAddress())).isNotZero();
            host.linkUp();
            host.loss(100);
            assertThat(exitOfConnect(host, lan.rootAddress())).isNotZero();
            host.loss(0);
            assertThat(send(host, lan.rootAddress(), "back")).isEqualTo("back");
        }
    }

    private static String send(NetnsHost host, String address, String text) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            Process client = host.command("bash", "-c",
                    "exec 3<>/dev/tcp/" + address + "/" + server.getLocalPort() + " && printf " + text + " >&3").start();
            server.setSoTimeout(10_000);
            try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                accepted.setSoTimeout(10_000);
                String received = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                client.waitFor(10, TimeUnit.SECONDS);
                return received;
            }
        }
    }

    private static int exitOfConnect(NetnsHost host, String address) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            Process client = host.command("timeout", "1", "bash", "-c",
                    "exec 3<>/dev/tcp/" + address + "/" + server.getLocalPort()).start();
            client.waitFor(10, TimeUnit.SECONDS);
            return client.exitValue();
        }
    }
}
