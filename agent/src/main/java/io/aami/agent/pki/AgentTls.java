package io.aami.agent.pki;

import io.aami.agent.transport.HttpClients;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's TLS material in its state dir: the CA it trusts ({@code ca.crt}, from
 * {@code server.tls.ca_cert} or fetched once and checked against {@code server.tls.ca_cert_sha256}),
 * its own key ({@code agent.key}, 0600, generated here, never sent anywhere) and the client
 * certificate the server signed ({@code agent.crt}). Builds the two HTTP clients: one presenting the
 * certificate (every agent call) and one without (enrollment, which must work with an expired one).
 */
public final class AgentTls {
    private static final Logger LOG = LoggerFactory.getLogger(AgentTls.class);

    private final Locations files;
    private final Path configuredCa;
    private final String pin;
    private final Duration connectTimeout;
    private final SecureRandom random;
    private final ReloadableKeyManager keyManager = new ReloadableKeyManager();
    private volatile X509Certificate ca;
    private AgentKey pendingKey;
    private final Executor executor;
    private HttpClient agentClient;

    /** Where the agent keeps the CA it verified, its certificate and its private key. */
    public record Locations(Path storedCa, Path cert, Path key) {
    }

    public AgentTls(Locations files, Path configuredCa, String pin, Duration connectTimeout, SecureRandom random) {
        this(files, configuredCa, pin, connectTimeout, random, null);
    }

    /** @param executor what the clients complete responses on ({@link HttpClients#executor()}); null: each its own */
    public AgentTls(Locations files, Path configuredCa, String pin, Duration connectTimeout, SecureRandom random,
                    Executor executor) {
        this.executor = executor;
        this.files = files;
        this.configuredCa = configuredCa;
        this.pin = pin == null ? null : CaPin.normalize(pin);
        this.connectTimeout = connectTimeout;
        this.random = random;
        loadStoredCertificate();
    }

    /** The CA to trust: the configured file, else the stored copy, else {@code fetchCaPem} checked against the pin. */
    public synchronized X509Certificate ensureCa(Supplier<String> fetchCaPem) {
        if (ca != null) {
            return ca;
        }
        X509Certificate found;
        if (configuredCa != null) {
            found = Pem.readCertificate(configuredCa);
        } else if (Files.exists(caFile())) {
            found = Pem.readCertificate(caFile());
        } else {
            found = Pem.parseCertificate(fetchCaPem.get());
            CaPin.verify(found, pin);
            LOG.info("fetched the server's CA and it matches the pin sha256:{}", pin);
        }
        if (configuredCa == null || !Files.exists(caFile())) {
            KeyPairFiles.writeCertificate(caFile(), found);
        }
        ca = found;
        return found;
    }

    /** For fetching the CA before it is trusted: accepts only a server whose chain holds the pinned CA. */
    public SSLContext pinnedContext() {
        if (pin == null) {
            throw new PkiException("set server.tls.ca_cert or server.tls.ca_cert_sha256 so the agent knows which CA to trust");
        }
        return TlsContexts.pinned(pin);
    }

    /** A CSR for a new key; the key is kept until {@link #install} receives its certificate. */
    public synchronized String newCsr(UUID agentId) {
        pendingKey = AgentKey.generate(random);
        return pendingKey.csrPem(agentId);
    }

    /**
     * A CSR for renewal: for the key the last renewal asked for while that one is unanswered, else for a new key, kept
     * on disk before the CSR leaves ({@link KeyPairFiles#renewalKey}); held until {@link #install} receives its certificate.
     */
    public synchronized String renewalCsr(UUID agentId) {
        pendingKey = new KeyPairFiles(keyFile(), certFile()).renewalKey(random);
        return pendingKey.csrPem(agentId);
    }

    /** Whether a renewal asked for a key that no installed certificate holds yet (its answer was lost, or it is under way). */
    public boolean renewalPending() {
        return new KeyPairFiles(keyFile(), certFile()).renewalPending();
    }

    /**
     * A CSR for {@code key}, which the caller already keeps durably (an enrollment retried after a lost
     * answer must present the same key); the key is kept until {@link #install} receives its certificate.
     */
    public synchronized String csrFor(AgentKey key, UUID agentId) {
        pendingKey = key;
        return key.csrPem(agentId);
    }

    /** Stores the certificate issued for the pending key and presents it from the next handshake on. */
    public synchronized X509Certificate install(String certPem) {
        X509Certificate cert = Pem.parseCertificate(certPem);
        if (pendingKey == null || !Keys.matches(pendingKey.privateKey(), cert.getPublicKey())) {
            throw new PkiException("the server's certificate does not match the key this agent asked it to sign");
        }
        new KeyPairFiles(keyFile(), certFile()).replace(pendingKey, cert);
        keyManager.update(pendingKey.privateKey(), List.of(cert, ca));
        pendingKey = null;
        return cert;
    }

    public Optional<X509Certificate> certificate() {
        return keyManager.certificate();
    }

    /** The clients every call reaches the server with: each presents (or, for enrollment, withholds) this material. */
    public HttpClients.Set clients() {
        return new HttpClients.Set(this::agentClient, this::enrollClient, this::pinnedClient, true);
    }

    /** Presents the client certificate; built once the CA is known. */
    public synchronized HttpClient agentClient() {
        if (agentClient == null) {
            agentClient = client(TlsContexts.client(requireCa(), keyManager));
        }
        return agentClient;
    }

    /**
     * Presents no certificate: enrollment must work when the current one has expired. A new client per
     * call, as enrollment is rare: a kept one would hold its selector thread for the agent's whole life.
     */
    public HttpClient enrollClient() {
        return client(TlsContexts.client(requireCa(), new ReloadableKeyManager()));
    }

    public HttpClient pinnedClient() {
        return client(pinnedContext());
    }

    private HttpClient client(SSLContext ctx) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(ctx).sslParameters(TlsContexts.clientParameters(ctx));
        return (executor == null ? b : b.executor(executor)).build();
    }

    private X509Certificate requireCa() {
        if (ca == null) {
            throw new IllegalStateException("the CA is not known yet");
        }
        return ca;
    }

    private void loadStoredCertificate() {
        try {
            new KeyPairFiles(keyFile(), certFile()).recover().ifPresent(LOG::warn);
        } catch (UncheckedIOException e) {
            // Start on whatever pair is there (an agent that does not start cannot be told anything); the next start retries.
            LOG.error("could not finish or clean up a replacement of {} and {}: {}", keyFile(), certFile(), e.getMessage());
        }
        try {
            if (Files.exists(keyFile()) && Files.exists(certFile())) {
                X509Certificate cert = Pem.readCertificate(certFile());
                AgentKey key = AgentKey.loadOrCreate(keyFile(), random);
                if (Keys.matches(key.privateKey(), cert.getPublicKey())) {
                    keyManager.update(key.privateKey(), List.of(cert));
                }
            }
        } catch (PkiException e) {
            LOG.warn("stored agent key or certificate is unusable ({}); enrolling again will replace them", e.getMessage());
        }
    }

    private Path caFile() {
        return files.storedCa();
    }

    private Path keyFile() {
        return files.key();
    }

    private Path certFile() {
        return files.cert();
    }
}
