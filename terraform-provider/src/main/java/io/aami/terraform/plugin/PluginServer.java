package io.aami.terraform.plugin;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.concurrent.CountDownLatch;

/**
 * The go-plugin side of a Terraform provider: a gRPC server on 127.0.0.1 (port chosen by the kernel), with
 * {@link AutoMtls} when Terraform asks for it, then the handshake line on stdout
 * ({@code CORE|APP|tcp|ADDRESS|grpc|CERT}), which is how Terraform finds the plugin. Nothing else may be
 * written to stdout before that line, so the JVM's and our logs go to stderr.
 */
public final class PluginServer {
    /** go-plugin's core protocol version. */
    static final int CORE_VERSION = 1;
    /** Terraform's plugin protocol major version this provider speaks. */
    public static final int PROTOCOL_VERSION = 6;

    private final Server server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private PluginServer(Server server) {
        this.server = server;
    }

    /** Starts serving {@code provider}; {@code mtls} null serves plain gRPC (go-plugin without AutoMTLS). */
    public static PluginServer start(BindableService provider, AutoMtls mtls, PrintStream handshakeOut)
            throws IOException, GeneralSecurityException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(256 << 20);
        if (mtls != null) {
            b.sslContext(mtls.serverContext());
        }
        PluginServer[] self = new PluginServer[1];
        b.addService(provider).addService(new HealthCheck()).addService(new Controller(() -> self[0].stopSoon()));
        Server s = b.build().start();
        self[0] = new PluginServer(s);
        String cert = mtls == null ? "" : mtls.handshakeCertificate();
        handshakeOut.print(CORE_VERSION + "|" + PROTOCOL_VERSION + "|tcp|127.0.0.1:" + s.getPort() + "|grpc|" + cert + "\n");
        handshakeOut.flush();
        return self[0];
    }

    public int port() {
        return server.getPort();
    }

    /**
     * After the Shutdown answer has gone out: stop accepting, give calls in flight a moment, then exit. Terraform
     * keeps its connection open until the process is gone and waits for that, so no longer than needed.
     */
    private void stopSoon() {
        Thread t = new Thread(() -> {
            server.shutdown();
            try {
                // Not awaitTermination: Terraform's own connection stays open until we are gone.
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
            stopped.countDown();
        }, "plugin-shutdown");
        t.setDaemon(true);
        t.start();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public void stopNow() {
        server.shutdownNow();
        stopped.countDown();
    }
}
