package io.aami.agent.enrollment;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.transport.TransportException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place every loop reports the server's verdict on the agent's credential, and the one that
 * enrolls again ({@code enrollAgain}, {@link Enroller#credentialRejected}) once the
 * {@link ReenrollmentRule} says the rejections are persistent. The rule counts the answers of one
 * loop, {@code decidingLoop} (the heartbeat): the one request every agent sends on a steady rhythm
 * whatever its work, so "three in a row over the spread" means the same on every host, and a series
 * cannot be started early or cut short by loops whose rhythm depends on results waiting or policy
 * changes (a forged server may well answer a policy poll). Other loops' rejections are logged here and
 * wait for that verdict.
 */
public final class Reenrollment implements CredentialRejections {
    private static final Logger LOG = LoggerFactory.getLogger(Reenrollment.class);

    private final ReenrollmentRule rule;
    private final String decidingLoop;
    private final Consumer<AgentCredentials> enrollAgain;

    public Reenrollment(ReenrollmentRule rule, String decidingLoop, Consumer<AgentCredentials> enrollAgain) {
        this.rule = rule;
        this.decidingLoop = decidingLoop;
        this.enrollAgain = enrollAgain;
    }

    @Override
    public boolean rejected(String loop, AgentCredentials credentials, TransportException e) {
        if (!decidingLoop.equals(loop)) {
            LOG.warn("the server rejected this agent's credential on {} ({}); the {} decides whether to enroll again",
                    loop, e.getMessage(), decidingLoop);
            return false;
        }
        if (rule.rejected()) {
            LOG.error("the server keeps rejecting this agent's credential ({}); enrolling again", e.getMessage());
            enrollAgain.accept(credentials);
            return true;
        }
        LOG.warn("the server rejected this agent's credential ({}); {} before enrolling again", e.getMessage(), rule.progress());
        return false;
    }

    @Override
    public void accepted(String loop) {
        if (decidingLoop.equals(loop)) {
            rule.accepted();
        }
    }
}
