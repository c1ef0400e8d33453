package io.aami.terraform.plugin;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The go-plugin side of a Terraform provider: a gRPC server on 127.0.0.1 (port chosen by the kernel), with
 * {@link AutoMtls} when Terraform asks for it, then the handshake line on stdout
 * ({@code CORE|APP|tcp|ADDRESS|grpc|CERT}), which is how Terraform finds the plugin. Nothing else may be
 * written to stdout before that line, so the JVM's and our logs go to stderr.
 *
 * <p>Terraform starts the provider several times per command and waits for each start and each exit, so the
 * server owns its event loops (one thread each: Terraform opens one connection) and can end them at once.
 */
public final class PluginServer {
    /** go-plugin's core protocol version. */
    static final int CORE_VERSION = 1;
    /** Terraform's plugin protocol major version this provider speaks. */
    public static final int PROTOCOL_VERSION = 6;
    /** How long the Shutdown answer may take to reach Terraform, which then closes its connection. */
    private static final long ANSWER_MILLIS = 100;

    private final NioEventLoopGroup boss = new NioEventLoopGroup(1);
    private final NioEventLoopGroup workers = new NioEventLoopGroup(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Server server;

    private PluginServer() {
    }

    /**
     * Starts serving {@code provider}; {@code mtls} (run on a thread of its own, beside the server's set-up, as
     * is the reading of the JDK's trust store: key pair, signature and parsing are most of a start) gives null to
     * serve plain gRPC (go-plugin without AutoMTLS).
     */
    public static PluginServer start(BindableService provider, Callable<AutoMtls> mtls, PrintStream handshakeOut)
            throws IOException, GeneralSecurityException {
        FutureTask<AutoMtls> tls = new FutureTask<>(mtls);
        daemon(tls, "auto-mtls");
        daemon(AutoMtls::loadDefaultTrust, "trust-store");
        PluginServer self = new PluginServer();
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .bossEventLoopGroup(self.boss).workerEventLoopGroup(self.workers).channelType(NioServerSocketChannel.class)
                .maxInboundMessageSize(256 << 20)
                .addService(provider).addService(new HealthCheck()).addService(new Controller(self::stopSoon));
        AutoMtls m = await(tls);
        if (m != null) {
            b.sslContext(m.serverContext());
        }
        self.server = b.build().start();
        String cert = m == null ? "" : m.handshakeCertificate();
        handshakeOut.print(CORE_VERSION + "|" + PROTOCOL_VERSION + "|tcp|127.0.0.1:" + self.server.getPort() + "|grpc|" + cert + "\n");
        handshakeOut.flush();
        return self;
    }

    /** The plugin's one way to start a thread: a daemon, named, so that none of ours keeps the JVM from its exit. */
    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static AutoMtls await(FutureTask<AutoMtls> tls) throws IOException, GeneralSecurityException {
        try {
            return tls.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the plugin's certificate", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GeneralSecurityException g) {
                throw g;
            }
            throw new GeneralSecurityException("cannot make the plugin's certificate", e.getCause());
        }
    }

    public int port() {
        return server.getPort();
    }

    /**
     * Stops when the process that started us is gone (Terraform killed, or crashed): nobody can reach the
     * provider any more, and it would otherwise run on with its port open and its credential in memory.
     * {@code parent} is the parent's pid as read when the process started.
     */
    public void stopWithParent(long parent) {
        daemon(() -> {
            try {
                while (parentPid() == parent) {
                    Thread.sleep(500);
                }
                stop(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "parent-watch");
    }

    /**
     * Stops when any of {@code watched} is gone: for an instance a warm JVM serves ({@link InstanceServer}), the
     * launcher Terraform started and Terraform itself. The handles carry each process's start time, so a pid used
     * again by another process does not keep the instance alive.
     */
    void stopWhenAnyGone(List<ProcessHandle> watched) {
        daemon(() -> {
            try {
                while (stopped.getCount() > 0 && watched.stream().allMatch(ProcessHandle::isAlive)) {
                    Thread.sleep(200);
                }
                if (stopped.getCount() > 0) {
                    stop(0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "instance-watch");
    }

    private static long parentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    }

    /** After the Shutdown answer has been queued: Terraform waits for this process to end, so promptly. */
    private void stopSoon() {
        daemon(() -> stop(ANSWER_MILLIS), "plugin-shutdown");
    }

    /**
     * Stops accepting, gives calls in flight (the Shutdown answer) up to {@code graceMillis} (Terraform closes its
     * connection once it has the answer, which ends the server), then ends the event loops without Netty's quiet
     * period: a thread left waiting in the kernel would hold the JVM's exit up by 300 ms ({@link FastExit}).
     */
    public void stop(long graceMillis) {
        try {
            server.shutdown();
            server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
            server.shutdownNow();
            var b = boss.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            var w = workers.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            b.await(200, TimeUnit.MILLISECONDS);
            w.await(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
