package io.aami.server.console;

import io.aami.server.security.Role;

/**
 * What the layout of every console page needs: who is looking and with which role (a page shows a control only to a
 * role that may use it; the API refuses the rest anyway), the session's CSRF token for the page's scripts (empty
 * for a request that came with a bearer token: its writes need none), which navigation entry is current, and the
 * hashed URLs of the assets.
 */
public final class Page {
    private final String user;
    private final Role role;
    private final String csrfToken;
    private final String active;
    private final Assets assets;

    Page(String user, Role role, String csrfToken, String active, Assets assets) {
        this.user = user;
        this.role = role;
        this.csrfToken = csrfToken;
        this.active = active;
        this.assets = assets;
    }

    /** The signed-in user's name, or null on the login page. */
    public String user() {
        return user;
    }

    public String role() {
        return role == null ? "" : role.wire();
    }

    /** Whether the user may change targets, groups, checks, probes and bootstrap tokens. */
    public boolean canOperate() {
        return role != null && role.includes(Role.OPERATOR);
    }

    /** Whether the user may manage users and read the audit log. */
    public boolean isAdmin() {
        return role != null && role.includes(Role.ADMIN);
    }

    public String csrfToken() {
        return csrfToken;
    }

    /** Whether {@code entry} is the navigation entry of this page ({@code aria-current}). */
    public boolean active(String entry) {
        return entry.equals(active);
    }

    /** The URL of a console asset by its plain name ({@code console.css}). */
    public String asset(String name) {
        return assets.url(name);
    }
}
