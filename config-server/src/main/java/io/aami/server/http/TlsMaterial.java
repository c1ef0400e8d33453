package io.aami.server.http;

import java.security.KeyStore;

/** What the TLS connector needs: the server's certificate and key, and the CA its clients' certificates come from. */
public interface TlsMaterial {
    /** The server certificate chain and key, protected by {@code password}. */
    KeyStore keyStore(char[] password);

    /** The CA that signs agents' client certificates. */
    KeyStore trustStore();

    /**
     * The 32-byte key the server's session tickets are encrypted with, the same across restarts and on every replica
     * sharing it (see {@link SessionTickets}); null for a key of this process only.
     */
    default byte[] sessionTicketKey() {
        return null;
    }
}
