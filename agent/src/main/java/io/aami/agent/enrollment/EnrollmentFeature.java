package io.aami.agent.enrollment;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Loop;
import io.aami.agent.heartbeat.HeartbeatLoop;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.pki.CertificateRenewer;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.retry.CredentialRejections;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * The agent's identity with the server: the stored credential or a new enrollment, the pinned
 * policy-signing key, the one place every loop reports a rejected credential ({@link #rejections()}),
 * and with TLS the certificate renewal loop. A refused enrollment key is the heartbeat's problem to report.
 */
public final class EnrollmentFeature {
    private final Enroller enroller;
    private final PolicyKeyPin pin;
    private final Reenrollment rejections;

    private EnrollmentFeature(Enroller enroller, PolicyKeyPin pin, Reenrollment rejections) {
        this.enroller = enroller;
        this.pin = pin;
        this.rejections = rejections;
    }

    public static EnrollmentFeature install(AgentContext ctx) {
        AgentConfig cfg = ctx.cfg();
        CredentialStore store = new CredentialStore(cfg.credentialsFile(), ctx.mapper());
        PolicyKeyPin pin = PolicyKeyPin.load(cfg.policyKeyFile(), ctx.mapper(), store.load().map(AgentCredentials::policyPublicKey));
        Enroller enroller = new Enroller(cfg, ctx.agentId(), ctx.transport(), store, ctx.stop(),
                ctx.retry(Duration.ofSeconds(1), Duration.ofMinutes(2)), ctx.clock(), ctx.version(), ctx.credentials(),
                ctx.metrics(), ctx.tls(), pin, new PendingEnrollment(cfg.pendingEnrollmentFile(), ctx.mapper(), new SecureRandom()));
        Reenrollment rejections = new Reenrollment(new ReenrollmentRule(cfg.server().reenrollAfter(), ctx.clock()),
                HeartbeatLoop.LOOP, enroller::credentialRejected);
        if (ctx.tls() != null) {
            ctx.out().loop(new Loop("renew", new CertificateRenewer(ctx.tls(), ctx.transport("renew"), ctx.credentials(), ctx.stop(),
                    ctx.retry(Duration.ofSeconds(5), Duration.ofMinutes(10)), ctx.clock(), ctx.random(), enroller::credentialRejected,
                    rejections, cfg.api().enabled() && cfg.api().tls().agentCertificate()), false));
        }
        ctx.out().problem(enroller::trustError);
        return new EnrollmentFeature(enroller, pin, rejections);
    }

    public Enroller enroller() {
        return enroller;
    }

    /** The pinned policy-signing key that bundles must verify under. */
    public PolicyKeyPin pin() {
        return pin;
    }

    /** Where every loop reports the server's verdict on the credential. */
    public CredentialRejections rejections() {
        return rejections;
    }
}
