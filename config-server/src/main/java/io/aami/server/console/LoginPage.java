package io.aami.server.console;

/**
 * What the login template shows: the frame, whether the page came over plain HTTP (it then warns that a password
 * would cross the network unencrypted), and whether {@code http.plain_http_login} would refuse a login from here.
 */
public record LoginPage(Page page, boolean plainHttp, boolean refused) {
}
