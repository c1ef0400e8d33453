package io.aami.contract.users;

/** Body of {@code POST /api/v1/login/session}: the user's name and password. */
public record SessionLoginRequest(String user, String password) {
    @Override
    public String toString() {
        return "SessionLoginRequest[user=" + user + "]";
    }
}
