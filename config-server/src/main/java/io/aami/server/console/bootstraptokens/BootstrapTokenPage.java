package io.aami.server.console.bootstraptokens;

import io.aami.contract.tokens.BootstrapTokenUseView;
import io.aami.server.console.Page;
import java.util.List;

/** One token's page: the token and the attempts to enroll with it, newest first (the API's last 1,000). */
public record BootstrapTokenPage(Page page, TokenRow token, List<BootstrapTokenUseView> uses) {
}
