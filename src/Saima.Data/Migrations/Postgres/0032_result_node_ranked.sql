-- Saima schema version 32 (PostgreSQL): how many units each node of a result set ranked (the unit
-- page's "rank r of N" for every period of the history, and N for the latest set's every node),
-- written with the set's rows when it is computed. Counting them from result_rows reads every
-- row of each set (2.2 million for a township set at a country: 9 s for one set and 15 s for a
-- unit's 24 periods). Sets computed before this version are counted here once. A node no unit
-- ranked has no row (N = 0). Written together with its result_sets row, whose change-stamp
-- trigger covers it.
CREATE TABLE result_node_ranked (
    result_set_id BIGINT NOT NULL REFERENCES result_sets(id) ON DELETE CASCADE,
    node TEXT NOT NULL,
    ranked INTEGER NOT NULL,
    PRIMARY KEY (result_set_id, node)
);
INSERT INTO result_node_ranked (result_set_id, node, ranked)
SELECT result_set_id, node, count(*) FROM result_rows WHERE rank IS NOT NULL GROUP BY result_set_id, node;
