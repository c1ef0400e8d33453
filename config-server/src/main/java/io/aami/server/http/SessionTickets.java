package io.aami.server.http;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the JDK's TLS server encrypt its session tickets with a key kept on disk ({@code pki/session-ticket.key}), so
 * that a ticket an agent got before a restart, or from another replica sharing {@code pki/}, still resumes its session:
 * a reconnecting fleet then resumes (an ECDHE key exchange, no signature, no certificate chain checked) instead of
 * making every agent's first reconnection a full mutual-TLS handshake. The JDK makes the ticket key afresh in every
 * {@link SSLContext} and has no API to set it, so this puts the key into the server session context's key table
 * ({@code sun.security.ssl.SSLSessionContextImpl}, the same in JDK 17 to 25) by reflection; that needs
 * {@code --add-opens java.base/sun.security.ssl=ALL-UNNAMED} (in the server jar's manifest, so {@code java -jar} has it).
 * Without it, or on a JDK whose internals differ, nothing changes but resumption across restarts (logged once).
 *
 * <p>The key is as secret as the CA key beside it: with it one could mint a ticket naming any client certificate.
 * It does not rotate by itself; to rotate, replace the file on every replica and restart them (tickets of the old
 * key then handshake in full once).
 */
final class SessionTickets {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTickets.class);
    private static final String IMPL = "sun.security.ssl.SSLSessionContextImpl";
    private static final String KEY = "sun.security.ssl.SessionTicketExtension$StatelessKey";
    /** The JDK replaces a ticket key past its timeout; this one stays until the file changes (and the process restarts). */
    private static final long KEPT_MILLIS = TimeUnit.DAYS.toMillis(365L * 100);

    private SessionTickets() {
    }

    /** Whether {@code context}'s server session tickets are now encrypted with {@code key} (32 bytes). */
    static boolean install(SSLContext context, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a session ticket key is 32 bytes, got " + key.length);
        }
        try {
            SSLSessionContext sessions = context.getServerSessionContext();
            Class<?> impl = Class.forName(IMPL);
            if (!impl.isInstance(sessions)) {
                return unused("the TLS provider is not the JDK's (" + sessions.getClass().getName() + ")");
            }
            int id = keyId(key);
            Object stateless = statelessKey(new SecretKeySpec(key, "AES"), id);
            @SuppressWarnings("unchecked")
            Map<Integer, Object> keys = (Map<Integer, Object>) field(impl, "keyHashMap").get(sessions);
            keys.put(id, stateless);
            field(impl, "currentKeyID").setInt(sessions, id);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // InaccessibleObjectException without --add-opens; anything else on a JDK whose internals moved.
            return unused(e.toString());
        }
    }

    /** A stable key number derived from the key, so every replica and restart names the same key the same way. */
    static int keyId(byte[] key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key)).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code StatelessKey} made without its constructor (which draws a random key from a handshake's context). */
    private static Object statelessKey(SecretKey key, int id) throws ReflectiveOperationException {
        Class<?> type = Class.forName(KEY);
        Constructor<?> bare = sun.reflect.ReflectionFactory.getReflectionFactory()
                .newConstructorForSerialization(type, Object.class.getDeclaredConstructor());
        Object k = bare.newInstance();
        field(type, "key").set(k, key);
        field(type, "num").setInt(k, id);
        field(type, "timeout").setLong(k, System.currentTimeMillis() + KEPT_MILLIS);
        return k;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static boolean unused(String why) {
        LOG.warn("TLS session tickets keep a key of this process only, so agents handshake in full after a restart: {}"
                + " (run the server jar with java -jar, or add --add-opens java.base/sun.security.ssl=ALL-UNNAMED)", why);
        return false;
    }
}
