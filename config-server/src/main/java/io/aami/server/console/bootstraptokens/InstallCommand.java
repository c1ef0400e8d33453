package io.aami.server.console.bootstraptokens;

import java.util.regex.Pattern;

/**
 * The {@code install-agent.sh} line shown with a new token (README, Installing agents): the token is read from
 * standard input ({@code --token -}), so it is never an argument (readable in the process list) nor in shell
 * history, and the line itself holds no secret. The server address is the one the browser reached this server at
 * (what an operator typed, so usually what hosts reach too), with 443 when it named no port; the CA pin is this
 * server's, or a placeholder without TLS (the installer needs TLS).
 */
record InstallCommand(String caPin) {
    /** A host[:port] as a Host header may carry it; anything else is not echoed into the page's command. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");
    static final String PLACEHOLDER_SERVER = "config.example.com:8443";
    static final String PLACEHOLDER_PIN = "sha256:<the CA pin: aami-config-server ca pin>";

    String line(String host) {
        return "sudo ./install-agent.sh --server " + server(host) + " --token - --ca-pin " + (caPin == null ? PLACEHOLDER_PIN : caPin);
    }

    boolean tls() {
        return caPin != null;
    }

    static String server(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            return PLACEHOLDER_SERVER;
        }
        boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
        return hasPort ? host : host + ":443";
    }
}
