package io.aami.agent.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The alias bookkeeping both replaceable key managers share ({@link ReloadableKeyManager}, the agent's client identity;
 * {@link FileKeyManager}, the local API's server identity): each key and chain gets its own alias, and the previous one
 * stays resolvable, so a handshake that chose an alias just before a swap still gets a key and chain that belong
 * together. The callers check that the key belongs to the certificate before {@link #replace}.
 */
final class KeyIdentities {
    private record Identity(String alias, PrivateKey key, X509Certificate[] chain) {
    }

    private final String prefix;
    private long generation;
    private volatile Identity current;
    private volatile Identity previous;

    KeyIdentities(String prefix) {
        this.prefix = prefix;
    }

    /** Presents {@code key} with {@code chain} (leaf first, not empty) from the next handshake on. */
    synchronized void replace(PrivateKey key, List<X509Certificate> chain) {
        generation++;
        previous = current;
        current = new Identity(prefix + "-" + generation, key, chain.toArray(X509Certificate[]::new));
    }

    boolean present() {
        return current != null;
    }

    /** The leaf certificate presented now, or null before the first {@link #replace}. */
    X509Certificate leaf() {
        Identity id = current;
        return id == null ? null : id.chain[0];
    }

    /** The current alias if its key is of one of {@code keyTypes} (any type when null), else null. */
    String alias(String... keyTypes) {
        Identity id = current;
        if (id == null) {
            return null;
        }
        if (keyTypes == null) {
            return id.alias;
        }
        for (String type : keyTypes) {
            if (id.key.getAlgorithm().equalsIgnoreCase(type)) {
                return id.alias;
            }
        }
        return null;
    }

    X509Certificate[] chain(String alias) {
        Identity id = byAlias(alias);
        return id == null ? null : id.chain.clone();
    }

    PrivateKey key(String alias) {
        Identity id = byAlias(alias);
        return id == null ? null : id.key;
    }

    private Identity byAlias(String alias) {
        Identity c = current;
        if (c != null && c.alias.equals(alias)) {
            return c;
        }
        Identity p = previous;
        return p != null && p.alias.equals(alias) ? p : null;
    }
}
