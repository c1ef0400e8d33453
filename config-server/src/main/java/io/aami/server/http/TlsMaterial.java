package io.aami.server.http;

import java.security.KeyStore;

/** What the TLS connector needs: the server's certificate and key, and the CA its clients' certificates come from. */
public interface TlsMaterial {
    /** The server certificate chain and key, protected by {@code password}. */
    KeyStore keyStore(char[] password);

    /** The CA that signs agents' client certificates. */
    KeyStore trustStore();
}
