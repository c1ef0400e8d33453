package io.aami.server.console.bootstraptokens;

import io.aami.contract.groups.GroupView;
import io.aami.server.console.Page;
import java.util.List;

/**
 * The list page: at most {@link BootstrapTokenPagesHandler#MAX_ROWS} tokens, newest first ({@code more} when there
 * were others), the groups a new token may be bound to, and the install command drawn next to a new token's secret.
 */
public record BootstrapTokensPage(Page page, List<TokenRow> tokens, boolean more, List<GroupView> groups, String installCommand,
                                  boolean tls) {
}
