package io.aami.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>It also tells which HTTP exchanges are in flight (a request's first bytes relayed up, no answer byte yet
 * written down), by the request line, and when each one's answer began to be written: what a fault test needs to
 * prove it killed an agent mid-send rather than between sends.
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
    private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();

    /** One connection's latest HTTP request: its line, its number on the connection, when its answer began (0: not yet). */
    private static final class Exchange {
        volatile String requestLine = "";
        volatile long number;
        volatile long answeredAt = -1;
    }

    /** An exchange seen in flight: {@link #answeredBefore} tells whether its answer began before a given moment. */
    public record InFlight(String requestLine, Object exchange, long number) {
    }

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
                Exchange exchange = new Exchange();
                exchanges.add(exchange);
                pump(client, server, "up", ended, exchange);
                pump(server, client, "down", ended, exchange);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One direction; {@code ended} counts the directions of this connection that are done (both: close it). */
    private void pump(Socket from, Socket to, String name, AtomicInteger ended, Exchange exchange) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        boolean up = name.equals("up");
        start(() -> read(from, to, queue, up ? exchange : null), "relay-read-" + name);
        start(() -> write(from, to, queue, ended, up ? null : exchange), "relay-write-" + name);
    }

    /** The HTTP exchanges whose answer has not begun to be written to the client. */
    public List<InFlight> inFlight() {
        List<InFlight> out = new java.util.ArrayList<>();
        for (Exchange e : exchanges) {
            long number = e.number;
            if (e.answeredAt == 0) {
                out.add(new InFlight(e.requestLine, e, number));
            }
        }
        return out;
    }

    /**
     * Whether {@code f}'s answer began to be written to the client before {@code nanoTime} ({@link System#nanoTime});
     * false when it had not by then, or never was (its client gone first).
     */
    public boolean answeredBefore(InFlight f, long nanoTime) {
        Exchange e = (Exchange) f.exchange();
        if (e.number != f.number()) {
            return true; // a later request on the connection: this one was answered, at an unknown time
        }
        long at = e.answeredAt;
        return at > 0 && at - nanoTime < 0;
    }

    /** {@code exchange}: the connection's state when this reads the client's side, else null. */
    private void read(Socket from, Socket to, BlockingQueue<Chunk> queue, Exchange exchange) {
        long last = 0;
        byte[] buf = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (exchange != null) {
                    noteRequest(exchange, buf, n);
                }
                // Never before the previous chunk: the bytes of one direction stay in order.
                last = Math.max(last, System.nanoTime() + holdNanos());
                queue.put(new Chunk(last, Arrays.copyOf(buf, n)));
            }
            if (exchange != null) {
                exchanges.remove(exchange);
            }
            queue.put(new Chunk(last, END));
        } catch (IOException e) {
            if (exchange != null) {
                exchanges.remove(exchange);
            }
            closeBoth(from, to);
            queue.offer(new Chunk(last, END));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A chunk that starts with an HTTP method starts a request (clients here send each request's head at once). */
    private static void noteRequest(Exchange exchange, byte[] buf, int n) {
        String head = new String(buf, 0, Math.min(n, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (head.matches("(?s)(GET|POST|PUT|DELETE|PATCH|HEAD) \\S+ HTTP/1\\.[01]\r\n.*")) {
            exchange.requestLine = head.substring(0, head.indexOf('\r'));
            exchange.number++;
            exchange.answeredAt = 0;
        }
    }

    /** {@code exchange}: the connection's state when this writes to the client, else null. */
    private void write(Socket from, Socket to, BlockingQueue<Chunk> queue, AtomicInteger ended, Exchange exchange) {
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
                if (exchange != null && exchange.answeredAt == 0) {
                    exchange.answeredAt = Math.max(1, System.nanoTime());
                }
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
