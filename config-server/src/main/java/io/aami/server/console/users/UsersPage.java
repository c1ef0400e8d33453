package io.aami.server.console.users;

import io.aami.contract.users.UserView;
import io.aami.server.console.Page;
import java.util.List;

/** The list page: every user (one query), and the roles the create form offers. */
public record UsersPage(Page page, List<UserView> users, List<String> roles) {
}
