/// The schema, as ordered migrations. Released migrations are never edited;
/// add a new one at the end. docs/marketplace.md draws the tables.
enum Schema {
    static let migrations: [Migration] = [users, strategies, listings, wallet, reviews, deployments, rankings, sessions, twoFactor, ownerRisk,
                                           hostCheckpoints, killSwitches, deploymentMarkets, passwordResets, loginThrottle,
                                           identityKeys, hideSelfReviews, backtestJobs,
                                           backtestSettings, datasets, journalSequence, paperRecords, payouts, equityHistory, alerts]

    static let users = Migration(name: "001-users-and-audit", sql: """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'admin', 'superadmin')),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'banned')),
            status_until INTEGER,
            status_reason TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            actor_id INTEGER NOT NULL REFERENCES users(id),
            action TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE INDEX audit_log_target ON audit_log(target_kind, target_id, id);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """)

    static let strategies = Migration(name: "002-strategies", sql: """
        CREATE TABLE strategies (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES users(id),
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (author_id, name));
        CREATE TABLE strategy_versions (
            id INTEGER PRIMARY KEY,
            strategy_id INTEGER NOT NULL REFERENCES strategies(id),
            number INTEGER NOT NULL,
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            changelog TEXT NOT NULL,
            schema_json TEXT,
            status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
            report_json TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (strategy_id, number));
        CREATE TRIGGER strategy_versions_immutable BEFORE UPDATE ON strategy_versions
            BEGIN SELECT RAISE(ABORT, 'strategy versions are immutable'); END;
        """)

    static let listings = Migration(name: "003-listings", sql: """
        CREATE TABLE listings (
            id INTEGER PRIMARY KEY,
            strategy_id INTEGER NOT NULL REFERENCES strategies(id),
            author_id INTEGER NOT NULL REFERENCES users(id),
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            description TEXT NOT NULL,
            category TEXT NOT NULL,
            price INTEGER NOT NULL CHECK (price >= 0),
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            live_version_id INTEGER REFERENCES strategy_versions(id),
            pending_version_id INTEGER REFERENCES strategy_versions(id),
            author_banned INTEGER NOT NULL DEFAULT 0,
            rating_sum INTEGER NOT NULL DEFAULT 0,
            rating_count INTEGER NOT NULL DEFAULT 0,
            rating_average REAL NOT NULL DEFAULT 0,
            buyer_count INTEGER NOT NULL DEFAULT 0,
            perf_return REAL,
            perf_drawdown REAL,
            perf_sharpe REAL,
            perf_trades INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            published_at INTEGER);
        CREATE INDEX listings_author ON listings(author_id);
        CREATE TABLE listing_tags (
            listing_id INTEGER NOT NULL REFERENCES listings(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (listing_id, tag)) WITHOUT ROWID;
        CREATE INDEX listing_tags_tag ON listing_tags(tag, listing_id);
        -- facets holds one token per filterable attribute (today the category) so
        -- a text query intersects it inside the index instead of checking each match.
        CREATE VIRTUAL TABLE listing_search USING fts5(title, summary, description, tags, facets, tokenize = 'porter unicode61');
        """)

    static let wallet = Migration(name: "004-wallet-and-purchases", sql: """
        CREATE TABLE ledger_transactions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('top_up', 'purchase', 'refund')),
            created_at INTEGER NOT NULL);
        CREATE TABLE ledger_entries (
            id INTEGER PRIMARY KEY,
            transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
            account TEXT NOT NULL CHECK (account IN ('wallet', 'platform_fees', 'payment_provider')),
            user_id INTEGER REFERENCES users(id),
            currency TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount <> 0));
        CREATE INDEX ledger_entries_wallet ON ledger_entries(user_id, currency, amount) WHERE account = 'wallet';
        CREATE INDEX ledger_entries_transaction ON ledger_entries(transaction_id);
        CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
        CREATE TABLE payment_events (
            provider_event_id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
            created_at INTEGER NOT NULL);
        CREATE TABLE purchases (
            id INTEGER PRIMARY KEY,
            buyer_id INTEGER NOT NULL REFERENCES users(id),
            listing_id INTEGER NOT NULL REFERENCES listings(id),
            version_id INTEGER NOT NULL REFERENCES strategy_versions(id),
            price INTEGER NOT NULL,
            currency TEXT NOT NULL,
            fee INTEGER NOT NULL,
            author_amount INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('completed', 'refunded')),
            transaction_id INTEGER REFERENCES ledger_transactions(id),
            refund_transaction_id INTEGER REFERENCES ledger_transactions(id),
            refund_reason TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            refunded_at INTEGER,
            UNIQUE (buyer_id, idempotency_key));
        CREATE UNIQUE INDEX purchases_one_active ON purchases(buyer_id, listing_id) WHERE status = 'completed';
        CREATE INDEX purchases_listing ON purchases(listing_id, id);
        """)

    static let reviews = Migration(name: "005-reviews-reports-favorites", sql: """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            listing_id INTEGER NOT NULL REFERENCES listings(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (listing_id, user_id));
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            reporter_id INTEGER NOT NULL REFERENCES users(id),
            target_kind TEXT NOT NULL CHECK (target_kind IN ('listing', 'review')),
            target_id INTEGER NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
            resolution TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            resolved_at INTEGER);
        CREATE INDEX reports_open ON reports(status, id);
        CREATE TABLE favorites (
            user_id INTEGER NOT NULL REFERENCES users(id),
            target_kind TEXT NOT NULL CHECK (target_kind IN ('listing', 'template')),
            target_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, target_kind, target_id)) WITHOUT ROWID;
        """)

    static let deployments = Migration(name: "006-templates-and-deployments", sql: """
        CREATE TABLE templates (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            category TEXT NOT NULL,
            source TEXT NOT NULL,
            schema_json TEXT NOT NULL,
            parameters_json TEXT NOT NULL,
            risk_json TEXT NOT NULL,
            builtin INTEGER NOT NULL,
            created_by INTEGER REFERENCES users(id),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE VIRTUAL TABLE template_search USING fts5(template_id UNINDEXED, title, description, category, tokenize = 'porter unicode61');
        CREATE TABLE deployments (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            source_kind TEXT NOT NULL CHECK (source_kind IN ('strategy', 'listing', 'template')),
            version_id INTEGER REFERENCES strategy_versions(id),
            listing_id INTEGER REFERENCES listings(id),
            template_id TEXT REFERENCES templates(id),
            parameters_json TEXT NOT NULL,
            risk_json TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('paper')),
            status TEXT NOT NULL CHECK (status IN ('stopped', 'running', 'halted', 'faulted')),
            status_reason TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX deployments_owner ON deployments(owner_id, status);
        CREATE TABLE deployment_orders (
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            order_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            body TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (deployment_id, order_id)) WITHOUT ROWID;
        CREATE TABLE deployment_fills (
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            fill_id TEXT NOT NULL,
            order_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (deployment_id, fill_id)) WITHOUT ROWID;
        CREATE TABLE deployment_positions (
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            symbol TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (deployment_id, symbol)) WITHOUT ROWID;
        CREATE TABLE deployment_state (
            deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id),
            state BLOB NOT NULL,
            updated_at INTEGER NOT NULL);
        """)

    /// Indexes for the leaderboard and the sorted search pages, and a narrow
    /// covering index so a text search checks its filters on each FTS match
    /// without reading the (wide) listing row.
    static let rankings = Migration(name: "007-ranking-indexes", sql: """
        CREATE INDEX listings_visible_newest ON listings(status, author_banned, published_at, id);
        CREATE INDEX listings_visible_rating ON listings(status, author_banned, rating_average, id);
        CREATE INDEX listings_visible_buyers ON listings(status, author_banned, buyer_count, id);
        CREATE INDEX listings_visible_return ON listings(status, author_banned, perf_return, id);
        CREATE INDEX listings_visible_price ON listings(status, author_banned, price, id);
        CREATE INDEX listings_search_filter ON listings(id, status, author_banned, category, price, rating_average, buyer_count,
                                                        published_at, perf_return, author_id);
        """)
}
