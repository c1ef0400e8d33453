package io.aami.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A toxiproxy-style TCP relay for latency where the kernel has no netem: clients connect to it, it connects on
 * to the target and copies both ways, holding each chunk it reads for the delay set now, plus or minus a random
 * jitter, before writing it on. Bytes of one direction keep their order (a TCP stream cannot be reordered: a
 * chunk is never released before the one read before it), so jitter shows as bursts, as on a real path.
 * What it holds is bounded ({@link #QUEUED_CHUNKS} chunks of {@link #CHUNK} bytes per direction; the reader
 * waits beyond that), so a slow path pushes back on the sender as TCP would. Threads: an acceptor, and a reader
 * and a writer per direction of each connection.
 */
public final class DelayRelay implements AutoCloseable {
    static final int CHUNK = 16 * 1024;
    static final int QUEUED_CHUNKS = 256;
    private static final byte[] END = new byte[0];

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Random random;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile long delayNanos;
    private volatile long jitterNanos;
    private volatile boolean closed;

    private record Chunk(long releaseAt, byte[] bytes) {
    }

    public DelayRelay(InetSocketAddress listen, InetSocketAddress target, long seed) throws IOException {
        this.listener = new ServerSocket();
        this.listener.bind(listen, 50);
        this.target = target;
        this.random = new Random(seed);
        Thread acceptor = new Thread(this::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on each chunk read waits {@code delay} ± up to {@code jitter} (uniform); zero passes straight on. */
    public void delay(Duration delay, Duration jitter) {
        this.jitterNanos = jitter.toNanos();
        this.delayNanos = delay.toNanos();
    }

    private long holdNanos() {
        long jitter = jitterNanos;
        long d = delayNanos;
        if (d == 0 && jitter == 0) {
            return 0;
        }
        long offset;
        synchronized (random) {
            offset = jitter == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitter);
        }
        return Math.max(0, d + offset);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(target, 5_000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                AtomicInteger ended = new AtomicInteger();
                pump(client, server, "up", ended);
                pump(server, client, "down", ended);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One direction; {@code ended} counts the directions of this connection that are done (both: close it). */
    private void pump(Socket from, Socket to, String name, AtomicInteger ended) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        start(() -> read(from, to, queue), "relay-read-" + name);
        start(() -> write(from, to, queue, ended), "relay-write-" + name);
    }

    private void read(Socket from, Socket to, BlockingQueue<Chunk> queue) {
        long last = 0;
        byte[] buf = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                // Never before the previous chunk: the bytes of one direction stay in order.
                last = Math.max(last, System.nanoTime() + holdNanos());
                queue.put(new Chunk(last, Arrays.copyOf(buf, n)));
            }
            queue.put(new Chunk(last, END));
        } catch (IOException e) {
            closeBoth(from, to);
            queue.offer(new Chunk(last, END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(Socket from, Socket to, BlockingQueue<Chunk> queue, AtomicInteger ended) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                if (chunk == null) {
                    if (closed || to.isClosed()) {
                        return;
                    }
                    continue;
                }
                long wait = chunk.releaseAt() - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (chunk.bytes() == END) {
                    if (ended.incrementAndGet() == 2 || to.isClosed()) {
                        closeBoth(from, to);
                    } else {
                        to.shutdownOutput();
                    }
                    return;
                }
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException e) {
            closeBoth(from, to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeBoth(Socket a, Socket b) {
        for (Socket s : new Socket[] {a, b}) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
