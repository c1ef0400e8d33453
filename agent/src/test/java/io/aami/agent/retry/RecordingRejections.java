package io.aami.agent.retry;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.transport.TransportException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every credential verdict a loop reports; never enrolls again. */
public final class RecordingRejections implements CredentialRejections {
    public final List<String> rejected = new CopyOnWriteArrayList<>();
    public final List<String> accepted = new CopyOnWriteArrayList<>();

    @Override
    public boolean rejected(String loop, AgentCredentials credentials, TransportException e) {
        rejected.add(loop);
        return false;
    }

    @Override
    public void accepted(String loop) {
        accepted.add(loop);
    }
}
