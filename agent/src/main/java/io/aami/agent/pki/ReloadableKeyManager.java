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
    private final List<SSLSessionContext> sessionContexts = new CopyOnWriteArrayList<>();
    private final KeyIdentities identities = new KeyIdentities("agent");

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
        identities.replace(key, chain);
        forgetSessions();
    }

    /** The leaf certificate presented now, if any. */
    public Optional<X509Certificate> certificate() {
        return Optional.ofNullable(identities.leaf());
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

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return identities.alias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return identities.alias(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String alias = identities.alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return identities.chain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return identities.key(alias);
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
