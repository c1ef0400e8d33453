package io.aami.agent.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.PkiException;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager whose key and certificate can be replaced at runtime, so a renewed
 * certificate is presented on the next TLS handshake without rebuilding the SSLContext or the
 * HttpClient built on it. Before the first {@link #update} it offers no certificate (enrollment).
 *
 * <p>Each identity gets its own alias, and the previous one stays resolvable, so a handshake that
 * chose an alias just before a swap still gets a key and chain that belong together. Connections
 * already open keep the certificate they authenticated with; only new handshakes see the new one.
 */
public final class ReloadableKeyManager extends X509ExtendedKeyManager {
    private record Identity(String alias, PrivateKey key, X509Certificate[] chain) {
    }

    private final List<SSLSessionContext> sessionContexts = new CopyOnWriteArrayList<>();
    private long generation;
    private volatile Identity current;
    private volatile Identity previous;

    public ReloadableKeyManager() {
    }

    public ReloadableKeyManager(PrivateKey key, List<X509Certificate> chain) {
        update(key, chain);
    }

    /**
     * Presents {@code chain} (leaf first) with {@code key} from the next handshake on.
     *
     * @throws PkiException if the key does not belong to the leaf certificate
     */
    public synchronized void update(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new PkiException("client certificate chain is empty");
        }
        if (!Keys.matches(key, chain.get(0).getPublicKey())) {
            throw new PkiException("the client key does not belong to certificate " + chain.get(0).getSubjectX500Principal());
        }
        generation++;
        previous = current;
        current = new Identity("agent-" + generation, key, chain.toArray(X509Certificate[]::new));
        forgetSessions();
    }

    /** The leaf certificate presented now, if any. */
    public Optional<X509Certificate> certificate() {
        Identity id = current;
        return id == null ? Optional.empty() : Optional.of(id.chain[0]);
    }

    /** Sessions cached by these contexts are dropped on update, so none is resumed under the old certificate. */
    void attach(SSLSessionContext clientSessions) {
        sessionContexts.add(clientSessions);
    }

    private void forgetSessions() {
        for (SSLSessionContext context : sessionContexts) {
            for (byte[] id : Collections.list(context.getIds())) {
                SSLSession session = context.getSession(id);
                if (session != null) {
                    session.invalidate();
                }
            }
        }
    }

    private String aliasFor(String[] keyTypes) {
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

    private Identity byAlias(String alias) {
        Identity c = current;
        if (c != null && c.alias.equals(alias)) {
            return c;
        }
        Identity p = previous;
        return p != null && p.alias.equals(alias) ? p : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(new String[] {keyType});
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity id = byAlias(alias);
        return id == null ? null : id.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity id = byAlias(alias);
        return id == null ? null : id.key;
    }

    /** Client side only: the agent never acts as a TLS server with this identity. */
    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
