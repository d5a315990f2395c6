//! Synthetic layered monoliths with planted feature services: inputs whose right answer is known.
//!
//! The sample monoliths are small and hand-written; measuring how well decompose recovers services (and how fast
//! it runs on 10k–1M lines, issue 7) needs monoliths of any size with a ground truth. [`generate`] builds one in
//! memory: a binary crate `synth` laid out BY LAYER (`handlers/`, `services/`, `repository/`, `models/`) while
//! its features cut across the layers, a shared kernel (`db`, `error`, `config`, `util`) every feature uses, a
//! composition root (`main.rs`, the router) that reaches into every handler, and per feature 1–3 tables that its
//! repositories query (sqlx-like SQL strings, or diesel's `schema.rs` + dsl). Features depend on one or two
//! others (service calls along a DAG-ish order), and `noise` adds random cross-feature references (a handler
//! using another feature's model, a repository reading another feature's table, ...). `truth` and `tables`
//! say which feature each module and table was planted in.
//!
//! The generator never writes files (only `report` does in this project): callers write `files` where they
//! want. It is deterministic (SplitMix64 seeded by [`SynthParams::seed`]; same parameters, same bytes) and
//! linear in the output size: every file is one `String` appended to in place.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::source::count_code_lines;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthParams {
    /// Planted services (features), e.g. 4..=40.
    pub features: usize,
    /// Feature modules per layer per feature (1 = one handler, one service, one repository, one model module).
    pub modules_per_layer: usize,
    /// Approximate code lines per feature module.
    pub lines_per_module: usize,
    pub style: DataStyle,
    pub naming: Naming,
    /// Probability, per function, of one extra reference into another (random) feature; 0.0..0.3.
    pub noise: f64,
    pub seed: u64,
}

impl Default for SynthParams {
    fn default() -> SynthParams {
        SynthParams {
            features: 6,
            modules_per_layer: 1,
            lines_per_module: 120,
            style: DataStyle::Sql,
            naming: Naming::Named,
            noise: 0.1,
            seed: 1,
        }
    }
}

/// How repositories reach their tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStyle {
    /// sqlx-like: SQL in string literals (`SELECT ... FROM orders`, `INSERT INTO`, `UPDATE`, `DELETE`).
    Sql,
    /// diesel: `src/schema.rs` with one `table!` per table, dsl paths in repositories, ORM attributes on models.
    Diesel,
}

/// What the names say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Business words (`handlers/orders.rs`, `Order`, `find_order`, table `orders`).
    Named,
    /// No feature word anywhere: modules `m0042`, types `T17`, functions `f_93`, tables `t_12`.
    Opaque,
}

/// A generated monolith and its ground truth.
#[derive(Debug, Clone)]
pub struct SynthMonolith {
    /// (relative path, file contents), sorted by path; includes Cargo.toml.
    pub files: Vec<(String, String)>,
    /// Module id (e.g. `synth::handlers::orders`) → planted feature index, for every feature module.
    pub truth: BTreeMap<String, usize>,
    /// Table name → owning feature.
    pub tables: BTreeMap<String, usize>,
    /// Code lines of all `.rs` files, counted as decompose counts them ([`count_code_lines`]).
    pub code_lines: usize,
}

/// Generates the monolith `params` describes. Pure and deterministic.
pub fn generate(params: &SynthParams) -> SynthMonolith {
    let plan = Plan::build(params);
    let ctx = Ctx::new(&plan);
    let mut files: Vec<(String, String)> = Vec::with_capacity(plan.modules.len() + 16);
    files.push(("Cargo.toml".to_owned(), cargo_toml(plan.style)));
    files.push(("src/main.rs".to_owned(), ctx.main_rs()));
    files.push(("src/config.rs".to_owned(), CONFIG_RS.to_owned()));
    files.push(("src/util.rs".to_owned(), UTIL_RS.to_owned()));
    files.push(("src/error.rs".to_owned(), ctx.error_rs()));
    files.push(("src/db.rs".to_owned(), ctx.db_rs().to_owned()));
    if ctx.diesel {
        files.push(("src/schema.rs".to_owned(), ctx.schema_rs()));
    }
    for layer in LAYERS {
        files.push((format!("src/{}/mod.rs", layer.dir()), ctx.mod_rs(layer)));
    }
    let mut truth = BTreeMap::new();
    for (index, module) in plan.modules.iter().enumerate() {
        let dir = module.layer.dir();
        files.push((format!("src/{dir}/{}.rs", module.stem), ctx.module(index)));
        truth.insert(format!("synth::{dir}::{}", module.stem), module.feature);
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let tables = plan.tables.iter().map(|t| (t.name.clone(), t.feature)).collect();
    let code_lines = files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| count_code_lines(text) as usize)
        .sum();
    SynthMonolith { files, truth, tables, code_lines }
}

// ---------------------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough to plant structure.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary

/// (feature word, entity, entity plural = main table): 50 business features.
const VOCABULARY: [(&str, &str, &str); 50] = [
    ("orders", "order", "orders"),
    ("catalog", "book", "books"),
    ("payments", "payment", "payments"),
    ("invoices", "invoice", "invoices"),
    ("shipping", "shipment", "shipments"),
    ("customers", "customer", "customers"),
    ("reviews", "review", "reviews"),
    ("inventory", "stock_item", "stock_items"),
    ("loyalty", "reward", "rewards"),
    ("coupons", "coupon", "coupons"),
    ("carts", "cart", "carts"),
    ("wishlists", "wishlist", "wishlists"),
    ("returns", "return_request", "return_requests"),
    ("refunds", "refund", "refunds"),
    ("subscriptions", "subscription", "subscriptions"),
    ("notifications", "notification", "notifications"),
    ("accounts", "account", "accounts"),
    ("suppliers", "supplier", "suppliers"),
    ("warehouses", "warehouse", "warehouses"),
    ("pricing", "price_rule", "price_rules"),
    ("taxes", "tax_rate", "tax_rates"),
    ("auditing", "audit_entry", "audit_entries"),
    ("reporting", "report", "reports"),
    ("analytics", "metric", "metrics"),
    ("recommendations", "recommendation", "recommendations"),
    ("search", "search_query", "search_queries"),
    ("sessions", "session", "sessions"),
    ("messaging", "message", "messages"),
    ("support", "ticket", "tickets"),
    ("campaigns", "campaign", "campaigns"),
    ("newsletters", "newsletter", "newsletters"),
    ("affiliates", "affiliate", "affiliates"),
    ("gift_cards", "gift_card", "gift_cards"),
    ("bundles", "bundle", "bundles"),
    ("vendors", "vendor", "vendors"),
    ("contracts", "contract", "contracts"),
    ("deliveries", "delivery", "deliveries"),
    ("tracking", "tracking_event", "tracking_events"),
    ("ratings", "rating", "ratings"),
    ("promotions", "promotion", "promotions"),
    ("categories", "category", "categories"),
    ("media", "media_asset", "media_assets"),
    ("addresses", "address", "addresses"),
    ("employees", "employee", "employees"),
    ("payroll", "payslip", "payslips"),
    ("scheduling", "appointment", "appointments"),
    ("billing", "bill", "bills"),
    ("ledger", "ledger_entry", "ledger_entries"),
    ("currencies", "currency", "currencies"),
    ("quotes", "quote", "quotes"),
];

/// Second and later modules of a feature in one layer (and its second and third tables): `order_lines`, ...
const ASPECTS: [(&str, &str); 10] = [
    ("line", "lines"),
    ("event", "events"),
    ("note", "notes"),
    ("setting", "settings"),
    ("snapshot", "snapshots"),
    ("batch", "batches"),
    ("tag", "tags"),
    ("export", "exports"),
    ("audit", "audits"),
    ("draft", "drafts"),
];

/// Columns a table may have besides `id`, `status`, `created_at`, `updated_at`: (name, diesel type, Rust type).
const EXTRA_COLUMNS: [(&str, &str, &str); 14] = [
    ("name", "Varchar", "String"),
    ("note", "Nullable<Text>", "Option<String>"),
    ("amount_cents", "Int8", "i64"),
    ("quantity", "Int4", "i32"),
    ("active", "Bool", "bool"),
    ("code", "Varchar", "String"),
    ("position", "Int4", "i32"),
    ("priority", "Int4", "i32"),
    ("email", "Varchar", "String"),
    ("title", "Varchar", "String"),
    ("score", "Int4", "i32"),
    ("weight_grams", "Int8", "i64"),
    ("reference", "Varchar", "String"),
    ("label_text", "Varchar", "String"),
];

fn aspect(k: usize) -> (String, String) {
    match ASPECTS.get(k - 1) {
        Some((one, many)) => ((*one).to_owned(), (*many).to_owned()),
        None => (format!("part{k}"), format!("part{k}s")),
    }
}

/// `stock_item` → `StockItem`.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The plan: every module, function and reference, decided before any text is written

/// Probability that a service function (with an id at hand) calls a service of a feature its feature depends on.
const P_DEPENDENCY: f64 = 0.15;
/// Probability that a service module calls a sibling service module of its own feature: a later module its
/// feature's first (main) module, the first module a later one. A feature's modules must hang together more
/// than a feature with the features it depends on ([`P_DEPENDENCY`]), or the planted truth is ambiguous.
const P_SIBLING_SERVICE: f64 = 0.4;
/// Probability that a service reads through a sibling repository module of its own feature.
const P_SIBLING_REPOSITORY: f64 = 0.25;
/// Probability that a handler (with an id at hand) calls the next service module of its own feature.
const P_SIBLING_HANDLER: f64 = 0.15;
/// Lines of a module's header (doc, imports), as planned.
const HEADER_LINES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Handlers,
    Services,
    Repository,
    Models,
}

const LAYERS: [Layer; 4] = [Layer::Handlers, Layer::Services, Layer::Repository, Layer::Models];

impl Layer {
    fn dir(self) -> &'static str {
        match self {
            Layer::Handlers => "handlers",
            Layer::Services => "services",
            Layer::Repository => "repository",
            Layer::Models => "models",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a function does; a handler has the shape of the service function it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    // repository (the payload of `Touch` and `Tally` is a table index)
    Find,
    List,
    Count,
    Insert,
    Update,
    Delete,
    Touch(usize),
    Tally(usize),
    // services and handlers
    Get,
    Exists,
    Page,
    Create,
    SetStatus,
    Remove,
    Summarize,
    // models
    Validate,
    Summary,
}

const SHAPE_SLOTS: usize = 17;

impl Shape {
    fn slot(self) -> usize {
        match self {
            Shape::Find => 0,
            Shape::List => 1,
            Shape::Count => 2,
            Shape::Insert => 3,
            Shape::Update => 4,
            Shape::Delete => 5,
            Shape::Touch(_) => 6,
            Shape::Tally(_) => 7,
            Shape::Get => 8,
            Shape::Exists => 9,
            Shape::Page => 10,
            Shape::Create => 11,
            Shape::SetStatus => 12,
            Shape::Remove => 13,
            Shape::Summarize => 14,
            Shape::Validate => 15,
            Shape::Summary => 16,
        }
    }

    /// Service shapes that have an `id` in scope where extra statements go.
    fn service_host(self) -> bool {
        matches!(
            self,
            Shape::Get | Shape::Exists | Shape::Create | Shape::SetStatus | Shape::Remove
        )
    }

    /// Handler shapes with an `id` path parameter.
    fn handler_host(self) -> bool {
        matches!(self, Shape::Get | Shape::Exists | Shape::SetStatus | Shape::Remove)
    }

    /// Planned code lines of one function of this shape (the budget that decides how many functions a module
    /// gets; calibrated against the emitted text).
    fn lines(self, layer: Layer, diesel: bool, columns: usize) -> usize {
        match (layer, self) {
            (Layer::Repository, Shape::Insert) if diesel => 7,
            (Layer::Repository, Shape::Insert) => 12 + 2 * columns,
            (Layer::Repository, Shape::Delete) => 4,
            (Layer::Repository, Shape::Count | Shape::Tally(_)) => 6,
            (Layer::Repository, Shape::Update | Shape::Touch(_)) => {
                if diesel {
                    5
                } else {
                    8
                }
            }
            (Layer::Repository, _) => 8,
            // diesel services check a connection out of the pool first.
            (Layer::Services, Shape::Get | Shape::Exists) => 5 + usize::from(diesel),
            (Layer::Services, Shape::Page | Shape::Create | Shape::Remove) => {
                6 + usize::from(diesel)
            }
            (Layer::Services, Shape::SetStatus) => 9 + usize::from(diesel),
            (Layer::Services, _) => 4 + usize::from(diesel),
            (Layer::Handlers, Shape::Exists | Shape::SetStatus) => 8,
            (Layer::Handlers, Shape::Page | Shape::Create | Shape::Summarize) => 7,
            (Layer::Handlers, _) => 4,
            (Layer::Models, Shape::Summary) => 17,
            (Layer::Models, _) => 9,
        }
    }
}

/// A reference planted besides a function's own work.
#[derive(Debug, Clone, Copy)]
enum Extra {
    /// Call a service function (shape `Get` or `Exists`) of module `module`.
    Service { module: usize, func: usize },
    /// Call a repository `Find` function directly (services only).
    Repo { module: usize, func: usize },
    /// Use the status enum of a model module (handlers only).
    ModelRef { module: usize },
    /// Read a table (repositories only): a shared-table read when the table is another feature's.
    ReadTable { table: usize },
    /// A helper comparing this model's row with another model module's row (models only).
    Peer { module: usize },
}

#[derive(Debug, Clone)]
struct Func {
    name: String,
    shape: Shape,
    /// The (module, function) pairs the shape's body calls, in order.
    calls: Vec<(usize, usize)>,
    extras: Vec<Extra>,
}

/// Names of a feature module's domain entity (the model module `k` of a feature and its layer siblings).
#[derive(Debug, Clone, Default)]
struct Entity {
    /// Named: `order_line`; opaque: empty.
    snake: String,
    /// Named: `order_lines`; opaque: empty.
    plural: String,
    /// Words for messages (`order line`; opaque: `record`).
    label: String,
    row: String,
    new: String,
    status: String,
    view: String,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    diesel: &'static str,
    rust: &'static str,
}

#[derive(Debug, Clone)]
struct TableDef {
    name: String,
    feature: usize,
    columns: Vec<Column>,
}

#[derive(Debug, Clone)]
struct Feature {
    word: String,
    tables: Vec<usize>,
    deps: Vec<usize>,
    /// Module indices by layer, then by position `k`.
    modules: [Vec<usize>; 4],
}

#[derive(Debug, Clone)]
struct Module {
    layer: Layer,
    feature: usize,
    k: usize,
    stem: String,
    entity: usize,
    /// The table of this module's entity.
    table: usize,
    /// Tables a repository touches (its own and the ones it reads through noise), sorted.
    tables: Vec<usize>,
    funcs: Vec<Func>,
    /// Function indices by `Shape::slot`.
    by_shape: Vec<Vec<usize>>,
}

struct Plan {
    style: DataStyle,
    naming: Naming,
    features: Vec<Feature>,
    tables: Vec<TableDef>,
    entities: Vec<Entity>,
    modules: Vec<Module>,
}

impl Plan {
    fn build(params: &SynthParams) -> Plan {
        let nf = params.features.max(1);
        let per_layer = params.modules_per_layer.max(1);
        let diesel = params.style == DataStyle::Diesel;
        let named = params.naming == Naming::Named;
        let noise = params.noise.clamp(0.0, 1.0);
        let mut rng = SplitMix64(params.seed ^ 0x5EED_F00D_CAFE_D00D);
        let id_types = if diesel { ("Int4", "i32") } else { ("Int8", "i64") };

        // Feature words and the dependency order: a random ranking, each feature calling one or two of the
        // features just below it (wrapping around at the bottom, so a few cycles exist, as in real code).
        let mut features: Vec<Feature> = (0..nf)
            .map(|f| {
                let (word, _, _) = feature_words(f);
                Feature { word, tables: Vec::new(), deps: Vec::new(), modules: Default::default() }
            })
            .collect();
        let mut order: Vec<usize> = (0..nf).collect();
        rng.shuffle(&mut order);
        let mut rank = vec![0; nf];
        for (r, &f) in order.iter().enumerate() {
            rank[f] = r;
        }
        if nf >= 2 {
            let window = 6.min(nf - 1);
            for f in 0..nf {
                let want = (1 + rng.below(2)).min(nf - 1);
                let mut deps = Vec::new();
                for _ in 0..20 {
                    if deps.len() == want {
                        break;
                    }
                    let back = 1 + rng.below(window);
                    let g = order[(rank[f] + nf - back) % nf];
                    if !deps.contains(&g) {
                        deps.push(g);
                    }
                }
                deps.sort_unstable();
                features[f].deps = deps;
            }
        }

        // Tables: 1–3 per feature.
        let mut tables = Vec::new();
        for (f, feature) in features.iter_mut().enumerate() {
            let (_, singular, plural) = feature_words(f);
            let count = 1 + rng.below(3);
            for j in 0..count {
                let name = if !named {
                    String::new() // numbered below, in shuffled order
                } else if j == 0 {
                    plural.clone()
                } else {
                    format!("{singular}_{}", aspect(j).1)
                };
                let mut columns = vec![
                    Column { name: "id".to_owned(), diesel: id_types.0, rust: id_types.1 },
                    Column { name: "status".to_owned(), diesel: "Varchar", rust: "String" },
                ];
                let mut extra: Vec<usize> = (0..EXTRA_COLUMNS.len()).collect();
                rng.shuffle(&mut extra);
                let mut picked: Vec<usize> = extra[..2 + rng.below(3)].to_vec();
                picked.sort_unstable();
                for c in picked {
                    let (name, diesel_type, rust) = EXTRA_COLUMNS[c];
                    columns.push(Column { name: name.to_owned(), diesel: diesel_type, rust });
                }
                if named && j == 0 {
                    for &g in &feature.deps {
                        let name = format!("{}_id", feature_words(g).1);
                        columns.push(Column { name, diesel: id_types.0, rust: id_types.1 });
                    }
                }
                for name in ["created_at", "updated_at"] {
                    columns.push(Column {
                        name: name.to_owned(),
                        diesel: "Timestamp",
                        rust: "NaiveDateTime",
                    });
                }
                feature.tables.push(tables.len());
                tables.push(TableDef { name, feature: f, columns });
            }
        }

        // Entities and modules (by layer, feature, position), with their functions' shapes.
        let mut entities = Vec::with_capacity(nf * per_layer);
        for f in 0..nf {
            let (_, singular, plural) = feature_words(f);
            for k in 0..per_layer {
                let (snake, many) = if k == 0 {
                    (singular.clone(), plural.clone())
                } else {
                    let (one, many) = aspect(k);
                    (format!("{singular}_{one}"), format!("{singular}_{many}"))
                };
                let entity = if named {
                    let row = camel(&snake);
                    Entity {
                        label: snake.replace('_', " "),
                        new: format!("New{row}"),
                        status: format!("{row}Status"),
                        view: format!("{row}View"),
                        row,
                        snake,
                        plural: many,
                    }
                } else {
                    Entity { label: "record".to_owned(), ..Entity::default() }
                };
                entities.push(entity);
            }
        }
        let mut modules = Vec::with_capacity(4 * nf * per_layer);
        for layer in LAYERS {
            for (f, feature) in features.iter_mut().enumerate() {
                for k in 0..per_layer {
                    let entity = f * per_layer + k;
                    let table = feature.tables[k % feature.tables.len()];
                    let mut module = Module {
                        layer,
                        feature: f,
                        k,
                        stem: String::new(),
                        entity,
                        table,
                        tables: vec![table],
                        funcs: Vec::new(),
                        by_shape: Vec::new(),
                    };
                    if named {
                        module.stem = match (layer, k) {
                            (Layer::Models, _) => entities[entity].snake.clone(),
                            (_, 0) => feature.word.clone(),
                            _ => entities[entity].plural.clone(),
                        };
                    }
                    let columns = tables[table].columns.len();
                    let budget = params.lines_per_module as f64;
                    let mut planned = HEADER_LINES as f64;
                    let mut shapes: Vec<Shape> = Vec::new();
                    let deps = feature.deps.len();
                    let push = |shapes: &mut Vec<Shape>, planned: &mut f64, shape: Shape| {
                        *planned += shape.lines(layer, diesel, columns) as f64
                            + expected_extra_lines(layer, shape, per_layer, deps, noise, diesel);
                        shapes.push(shape);
                    };
                    match layer {
                        Layer::Repository => {
                            const CYCLE: [Shape; 6] = [
                                Shape::Find,
                                Shape::List,
                                Shape::Count,
                                Shape::Insert,
                                Shape::Update,
                                Shape::Delete,
                            ];
                            for shape in CYCLE {
                                push(&mut shapes, &mut planned, shape);
                            }
                            let own = &feature.tables;
                            for (j, &t) in own.iter().enumerate() {
                                if j % per_layer == k && t != table {
                                    push(&mut shapes, &mut planned, Shape::Touch(t));
                                    push(&mut shapes, &mut planned, Shape::Tally(t));
                                    module.tables.push(t);
                                }
                            }
                            let mut i = 0;
                            while planned < budget {
                                push(&mut shapes, &mut planned, CYCLE[i % CYCLE.len()]);
                                i += 1;
                            }
                        }
                        Layer::Services | Layer::Handlers => {
                            const CYCLE: [Shape; 7] = [
                                Shape::Get,
                                Shape::Exists,
                                Shape::Page,
                                Shape::Create,
                                Shape::SetStatus,
                                Shape::Remove,
                                Shape::Summarize,
                            ];
                            // Handlers are planned against their service module below; here only services.
                            if layer == Layer::Services {
                                let mut i = 0;
                                while i < 2 || planned < budget {
                                    push(&mut shapes, &mut planned, CYCLE[i % CYCLE.len()]);
                                    i += 1;
                                }
                            }
                        }
                        Layer::Models => {
                            planned += (45 + 2 * columns + if k > 0 { 5 } else { 0 }) as f64;
                            let mut i = 0;
                            while i < 2 || planned < budget {
                                let shape =
                                    if i % 2 == 0 { Shape::Validate } else { Shape::Summary };
                                push(&mut shapes, &mut planned, shape);
                                i += 1;
                            }
                        }
                    }
                    module.funcs = shapes
                        .into_iter()
                        .map(|shape| Func {
                            name: String::new(),
                            shape,
                            calls: Vec::new(),
                            extras: Vec::new(),
                        })
                        .collect();
                    feature.modules[layer.index()].push(modules.len());
                    modules.push(module);
                }
            }
        }
        // Handlers: one function per service function served, cycling through the service module.
        for feature in &features {
            for k in 0..per_layer {
                let handler = feature.modules[Layer::Handlers.index()][k];
                let service = feature.modules[Layer::Services.index()][k];
                let served = modules[service].funcs.len();
                let mut planned = HEADER_LINES as f64;
                let mut funcs = Vec::new();
                let mut i = 0;
                while i < 2 || planned < params.lines_per_module as f64 {
                    let shape = modules[service].funcs[i % served].shape;
                    planned += shape.lines(Layer::Handlers, diesel, 0) as f64
                        + expected_extra_lines(Layer::Handlers, shape, per_layer, 0, noise, diesel);
                    funcs.push(Func {
                        name: String::new(),
                        shape,
                        calls: vec![(service, i % served)],
                        extras: Vec::new(),
                    });
                    i += 1;
                }
                modules[handler].funcs = funcs;
            }
        }
        for module in &mut modules {
            let mut by_shape = vec![Vec::new(); SHAPE_SLOTS];
            for (i, func) in module.funcs.iter().enumerate() {
                by_shape[func.shape.slot()].push(i);
            }
            module.by_shape = by_shape;
        }

        let mut plan = Plan {
            style: params.style,
            naming: params.naming,
            features,
            tables,
            entities,
            modules,
        };
        plan.name(&mut rng);
        plan.plant_references(&mut rng, noise);
        plan
    }

    /// Gives every module, item and (opaque) table its name.
    fn name(&mut self, rng: &mut SplitMix64) {
        match self.naming {
            Naming::Named => {
                for module in &mut self.modules {
                    let entity = &self.entities[module.entity];
                    let mut seen = [0usize; SHAPE_SLOTS];
                    for func in &mut module.funcs {
                        let n = &mut seen[func.shape.slot()];
                        *n += 1;
                        func.name =
                            named_function(module.layer, func.shape, entity, &self.tables, *n);
                    }
                }
            }
            Naming::Opaque => {
                // Numbers follow a shuffled module order, so a feature's modules are not numbered together.
                let mut order: Vec<usize> = (0..self.modules.len()).collect();
                rng.shuffle(&mut order);
                let width = self.modules.len().to_string().len().max(4);
                let mut next = 1usize;
                let mut item = || {
                    let n = next;
                    next += 1;
                    n
                };
                for (position, &m) in order.iter().enumerate() {
                    let module = &mut self.modules[m];
                    module.stem = format!("m{:0width$}", position + 1);
                    if module.layer == Layer::Models {
                        let entity = &mut self.entities[module.entity];
                        entity.row = format!("T{}", item());
                        entity.new = format!("T{}", item());
                        entity.status = format!("T{}", item());
                        entity.view = format!("T{}", item());
                    }
                    for func in &mut module.funcs {
                        func.name = match func.shape {
                            Shape::Summary => format!("T{}", item()),
                            _ => format!("f_{}", item()),
                        };
                    }
                }
                let mut numbers: Vec<usize> = (1..=self.tables.len()).collect();
                rng.shuffle(&mut numbers);
                for (table, n) in self.tables.iter_mut().zip(numbers) {
                    table.name = format!("t_{n}");
                }
            }
        }
    }

    /// Decides what every function calls: its own layer below (within the feature), siblings, the features it
    /// depends on, and the noise.
    fn plant_references(&mut self, rng: &mut SplitMix64, noise: f64) {
        let nf = self.features.len();
        let per_layer = self.features[0].modules[0].len();
        let module_of = |features: &[Feature], f: usize, layer: Layer, k: usize| {
            features[f].modules[layer.index()][k]
        };
        let other_feature = |rng: &mut SplitMix64, f: usize| (f + 1 + rng.below(nf - 1)) % nf;
        let pick = |modules: &[Module], rng: &mut SplitMix64, module: usize, shape: Shape| {
            let list = &modules[module].by_shape[shape.slot()];
            list[rng.below(list.len())]
        };
        // A service function to call from elsewhere: a `Get` or an `Exists` of a random module of `f`.
        let service_target = |features: &[Feature],
                              modules: &[Module],
                              rng: &mut SplitMix64,
                              f: usize,
                              k: Option<usize>| {
            let k = k.unwrap_or_else(|| rng.below(per_layer));
            let module = features[f].modules[Layer::Services.index()][k];
            let shape = if rng.chance(0.5) { Shape::Get } else { Shape::Exists };
            let func = pick(modules, rng, module, shape);
            Extra::Service { module, func }
        };

        for f in 0..nf {
            for k in 0..per_layer {
                // Services: their repository and model, then sibling and dependency calls, then noise.
                let service = module_of(&self.features, f, Layer::Services, k);
                let repo = module_of(&self.features, f, Layer::Repository, k);
                let model = module_of(&self.features, f, Layer::Models, k);
                // Siblings form a star around the feature's first module.
                let sibling = |rng: &mut SplitMix64| match k {
                    0 => 1 + rng.below(per_layer - 1),
                    _ => 0,
                };
                for i in 0..self.modules[service].funcs.len() {
                    let shape = self.modules[service].funcs[i].shape;
                    let m = &self.modules;
                    let calls = match shape {
                        Shape::Get | Shape::Exists => vec![(repo, pick(m, rng, repo, Shape::Find))],
                        Shape::Page => vec![
                            (repo, pick(m, rng, repo, Shape::List)),
                            (repo, pick(m, rng, repo, Shape::Count)),
                        ],
                        Shape::Create => vec![
                            (model, pick(m, rng, model, Shape::Validate)),
                            (repo, pick(m, rng, repo, Shape::Insert)),
                        ],
                        Shape::SetStatus => vec![
                            (repo, pick(m, rng, repo, Shape::Update)),
                            (repo, pick(m, rng, repo, Shape::Find)),
                        ],
                        Shape::Remove => vec![(repo, pick(m, rng, repo, Shape::Delete))],
                        _ => vec![
                            (repo, pick(m, rng, repo, Shape::List)),
                            (model, pick(m, rng, model, Shape::Summary)),
                        ],
                    };
                    let mut extras = Vec::new();
                    if shape.service_host() {
                        if per_layer > 1 && rng.chance(P_SIBLING_SERVICE) {
                            let j = sibling(rng);
                            extras.push(service_target(&self.features, m, rng, f, Some(j)));
                        }
                        if per_layer > 1 && rng.chance(P_SIBLING_REPOSITORY) {
                            let j = sibling(rng);
                            let target = module_of(&self.features, f, Layer::Repository, j);
                            let func = pick(m, rng, target, Shape::Find);
                            extras.push(Extra::Repo { module: target, func });
                        }
                        for d in 0..self.features[f].deps.len() {
                            if rng.chance(P_DEPENDENCY) {
                                let g = self.features[f].deps[d];
                                extras.push(service_target(&self.features, m, rng, g, None));
                            }
                        }
                        if nf > 1 && rng.chance(noise) {
                            let g = other_feature(rng, f);
                            if rng.chance(0.5) {
                                extras.push(service_target(&self.features, m, rng, g, None));
                            } else {
                                let target = self.features[g].modules[Layer::Repository.index()]
                                    [rng.below(per_layer)];
                                let func = pick(m, rng, target, Shape::Find);
                                extras.push(Extra::Repo { module: target, func });
                            }
                        }
                    }
                    let func = &mut self.modules[service].funcs[i];
                    func.calls = calls;
                    func.extras = extras;
                }

                // Handlers: siblings and noise (their service call is planned already).
                let handler = module_of(&self.features, f, Layer::Handlers, k);
                for i in 0..self.modules[handler].funcs.len() {
                    let shape = self.modules[handler].funcs[i].shape;
                    let m = &self.modules;
                    let mut extras = Vec::new();
                    if shape.handler_host() && per_layer > 1 && rng.chance(P_SIBLING_HANDLER) {
                        extras.push(service_target(
                            &self.features,
                            m,
                            rng,
                            f,
                            Some((k + 1) % per_layer),
                        ));
                    }
                    if nf > 1 && rng.chance(noise) {
                        let g = other_feature(rng, f);
                        if shape.handler_host() && rng.chance(0.5) {
                            extras.push(service_target(&self.features, m, rng, g, None));
                        } else {
                            let module = self.features[g].modules[Layer::Models.index()]
                                [rng.below(per_layer)];
                            extras.push(Extra::ModelRef { module });
                        }
                    }
                    self.modules[handler].funcs[i].extras = extras;
                }

                // Repositories: shared-table reads.
                for i in 0..self.modules[repo].funcs.len() {
                    if nf > 1 && rng.chance(noise) {
                        let g = other_feature(rng, f);
                        let own = &self.features[g].tables;
                        let table = own[rng.below(own.len())];
                        self.modules[repo].funcs[i].extras.push(Extra::ReadTable { table });
                        self.modules[repo].tables.push(table);
                    }
                }
                self.modules[repo].tables.sort_unstable();
                self.modules[repo].tables.dedup();

                // Models: helpers that compare with another feature's rows.
                for i in 0..self.modules[model].funcs.len() {
                    if nf > 1 && rng.chance(noise) {
                        let g = other_feature(rng, f);
                        let module =
                            self.features[g].modules[Layer::Models.index()][rng.below(per_layer)];
                        self.modules[model].funcs[i].extras.push(Extra::Peer { module });
                    }
                }
            }

            // Every dependency has at least one call site.
            for d in 0..self.features[f].deps.len() {
                let g = self.features[f].deps[d];
                let calls_g = self.features[f].modules[Layer::Services.index()].iter().any(|&s| {
                    self.modules[s].funcs.iter().flat_map(|func| &func.extras).any(|e| {
                        matches!(e, Extra::Service { module, .. } if self.modules[*module].feature == g)
                    })
                });
                if !calls_g {
                    let k = rng.below(per_layer);
                    let service = module_of(&self.features, f, Layer::Services, k);
                    let extra = service_target(&self.features, &self.modules, rng, g, None);
                    // The first function is a `Get`, which has an id in scope.
                    self.modules[service].funcs[0].extras.push(extra);
                }
            }
        }
    }
}

/// The lines that planted extra references add to one function, on average (part of the size budget).
fn expected_extra_lines(
    layer: Layer,
    shape: Shape,
    per_layer: usize,
    deps: usize,
    noise: f64,
    diesel: bool,
) -> f64 {
    // An extra call is two or three lines; a shared-table read four with sqlx, two with diesel.
    const CALL: f64 = 2.3;
    let siblings = per_layer > 1;
    match layer {
        Layer::Services if shape.service_host() => {
            let sibling = if siblings { P_SIBLING_SERVICE + P_SIBLING_REPOSITORY } else { 0.0 };
            CALL * (sibling + deps as f64 * P_DEPENDENCY + noise)
        }
        Layer::Handlers => {
            let sibling =
                if siblings && shape.handler_host() { P_SIBLING_HANDLER * CALL } else { 0.0 };
            sibling + noise * CALL
        }
        Layer::Repository => noise * if diesel { 2.0 } else { 4.0 },
        Layer::Models => noise * 4.0,
        Layer::Services => 0.0,
    }
}

/// (feature word, entity, entity plural) of feature `f`; past the vocabulary, words get a number.
fn feature_words(f: usize) -> (String, String, String) {
    let (word, singular, plural) = VOCABULARY[f % VOCABULARY.len()];
    match f / VOCABULARY.len() {
        0 => (word.to_owned(), singular.to_owned(), plural.to_owned()),
        round => {
            let n = round + 1;
            (format!("{word}{n}"), format!("{singular}{n}"), format!("{plural}{n}"))
        }
    }
}

/// The `n`-th (1-based) function of `shape` in a module of `layer` about `entity`.
fn named_function(
    layer: Layer,
    shape: Shape,
    entity: &Entity,
    tables: &[TableDef],
    n: usize,
) -> String {
    let (e, p) = (&entity.snake, &entity.plural);
    let base = match (layer, shape) {
        (Layer::Handlers, Shape::Get) => format!("show_{e}"),
        (Layer::Handlers, Shape::Exists) => format!("check_{e}"),
        (Layer::Handlers, Shape::Page) => format!("index_{p}"),
        (Layer::Handlers, Shape::Create) => format!("post_{e}"),
        (Layer::Handlers, Shape::SetStatus) => format!("patch_{e}_status"),
        (Layer::Handlers, Shape::Remove) => format!("destroy_{e}"),
        (Layer::Handlers, _) => format!("{e}_summary"),
        (_, Shape::Find) => format!("find_{e}"),
        (_, Shape::List | Shape::Page) => format!("list_{p}"),
        (_, Shape::Count) => format!("count_{p}"),
        (_, Shape::Insert) => format!("insert_{e}"),
        (_, Shape::Update) => format!("update_{e}_status"),
        (_, Shape::Delete) => format!("delete_{e}"),
        (_, Shape::Touch(t)) => format!("touch_{}", tables[t].name),
        (_, Shape::Tally(t)) => format!("tally_{}", tables[t].name),
        (_, Shape::Get) => format!("get_{e}"),
        (_, Shape::Exists) => format!("{e}_exists"),
        (_, Shape::Create) => format!("create_{e}"),
        (_, Shape::SetStatus) => format!("set_{e}_status"),
        (_, Shape::Remove) => format!("remove_{e}"),
        (_, Shape::Summarize) => format!("summarize_{p}"),
        (_, Shape::Validate) => format!("validate_{e}"),
        (_, Shape::Summary) => format!("{}Summary", entity.row),
    };
    match (n, shape) {
        (1, _) => base,
        (_, Shape::Summary) => format!("{base}{n}"),
        _ => format!("{base}_{n}"),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Emitting text

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

struct Ctx<'a> {
    plan: &'a Plan,
    diesel: bool,
    named: bool,
    /// `.await` for sqlx, nothing for diesel (synchronous).
    aw: &'static str,
    /// `async ` for sqlx.
    asy: &'static str,
    id_ty: &'static str,
}

impl<'a> Ctx<'a> {
    fn new(plan: &'a Plan) -> Ctx<'a> {
        let diesel = plan.style == DataStyle::Diesel;
        Ctx {
            plan,
            diesel,
            named: plan.naming == Naming::Named,
            aw: if diesel { "" } else { ".await" },
            asy: if diesel { "" } else { "async " },
            id_ty: if diesel { "i32" } else { "i64" },
        }
    }

    fn entity(&self, module: usize) -> &'a Entity {
        &self.plan.entities[self.plan.modules[module].entity]
    }

    fn stem(&self, module: usize) -> &'a str {
        &self.plan.modules[module].stem
    }

    fn func(&self, module: usize, func: usize) -> &'a str {
        &self.plan.modules[module].funcs[func].name
    }

    fn table(&self, table: usize) -> &'a TableDef {
        &self.plan.tables[table]
    }

    /// The module's `//!` line: with the feature's words when named, generic when opaque.
    fn doc(&self, out: &mut String, what: &str, module: &Module) {
        if self.named {
            w!(
                out,
                "//! {what} for {}.\n\n",
                self.plan.entities[module.entity].plural.replace('_', " ")
            );
        } else {
            w!(out, "//! {what}.\n\n");
        }
    }

    fn module(&self, index: usize) -> String {
        let module = &self.plan.modules[index];
        let mut out = String::with_capacity(64 * module.funcs.len() * 8 + 2048);
        match module.layer {
            Layer::Handlers => self.handlers(&mut out, module),
            Layer::Services => self.services(&mut out, module),
            Layer::Repository => self.repository(&mut out, module),
            Layer::Models => self.models(&mut out, module),
        }
        out
    }

    fn model_import(&self, out: &mut String, module: &Module, with_views: bool) {
        let model = self.plan.features[module.feature].modules[Layer::Models.index()][module.k];
        let e = self.entity(model);
        if with_views {
            w!(out, "use crate::models::{}::{{self as model, ", self.stem(model));
            w!(out, "{}, {}, {}, {}", e.new, e.row, e.status, e.view);
        } else {
            w!(out, "use crate::models::{}::{{{}, {}", self.stem(model), e.new, e.row);
        }
        out.push_str("};\n");
    }

    // --- handlers -------------------------------------------------------------------------------------

    fn handlers(&self, out: &mut String, module: &Module) {
        let e = &self.plan.entities[module.entity];
        let service = self.plan.features[module.feature].modules[Layer::Services.index()][module.k];
        self.doc(out, "HTTP endpoints", module);
        out.push_str(
            "use axum::extract::{Path, Query, State};\nuse axum::http::StatusCode;\nuse axum::Json;\n\n",
        );
        out.push_str("use crate::db::Pool;\nuse crate::error::{AppError, AppResult};\n");
        self.model_import(out, module, true);
        w!(out, "use crate::services::{} as service;\n", self.stem(service));
        out.push_str("use crate::util::{Page, PageParams};\n");
        let (aw, id, label) = (self.aw, self.id_ty, &e.label);
        for func in &module.funcs {
            let name = &func.name;
            let (target_module, target) = func.calls[0];
            let target = self.func(target_module, target);
            out.push('\n');
            match func.shape {
                Shape::Get => {
                    w!(
                        out,
                        "pub async fn {name}(State(pool): State<Pool>, Path(id): Path<{id}>) -> AppResult<Json<{}>> {{\n",
                        e.row
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    let row = service::{target}(&pool, id){aw}?;\n    Ok(Json(row))\n}}\n"
                    );
                }
                Shape::Exists => {
                    w!(
                        out,
                        "pub async fn {name}(State(pool): State<Pool>, Path(id): Path<{id}>) -> AppResult<StatusCode> {{\n"
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    if service::{target}(&pool, id){aw}? {{\n        Ok(StatusCode::NO_CONTENT)\n    }} else {{\n        Err(AppError::not_found(format!(\"{label} {{id}}\")))\n    }}\n}}\n"
                    );
                }
                Shape::Page => {
                    w!(
                        out,
                        "pub async fn {name}(\n    State(pool): State<Pool>,\n    Query(params): Query<PageParams>,\n) -> AppResult<Json<Page<{}>>> {{\n",
                        e.view
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    let page = service::{target}(&pool, params){aw}?;\n    Ok(Json(page))\n}}\n"
                    );
                }
                Shape::Create => {
                    w!(
                        out,
                        "pub async fn {name}(\n    State(pool): State<Pool>,\n    Json(body): Json<{}>,\n) -> AppResult<(StatusCode, Json<{}>)> {{\n",
                        e.new,
                        e.view
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    let view = service::{target}(&pool, body){aw}?;\n    Ok((StatusCode::CREATED, Json(view)))\n}}\n"
                    );
                }
                Shape::SetStatus => {
                    w!(
                        out,
                        "pub async fn {name}(\n    State(pool): State<Pool>,\n    Path((id, raw)): Path<({id}, String)>,\n) -> AppResult<Json<{}>> {{\n",
                        e.row
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    let status = {}::parse(&raw).ok_or_else(|| AppError::bad_request(format!(\"unknown status {{raw}}\")))?;\n    let row = service::{target}(&pool, id, status){aw}?;\n    Ok(Json(row))\n}}\n",
                        e.status
                    );
                }
                Shape::Remove => {
                    w!(
                        out,
                        "pub async fn {name}(State(pool): State<Pool>, Path(id): Path<{id}>) -> AppResult<StatusCode> {{\n"
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    service::{target}(&pool, id){aw}?;\n    Ok(StatusCode::NO_CONTENT)\n}}\n"
                    );
                }
                _ => {
                    let (service_module, service_func) = func.calls[0];
                    let summary = self.summary_of(service_module, service_func);
                    w!(
                        out,
                        "pub async fn {name}(\n    State(pool): State<Pool>,\n    Query(params): Query<PageParams>,\n) -> AppResult<Json<model::{summary}>> {{\n"
                    );
                    self.extras(out, Layer::Handlers, &func.extras);
                    w!(
                        out,
                        "    let summary = service::{target}(&pool, params){aw}?;\n    Ok(Json(summary))\n}}\n"
                    );
                }
            }
        }
    }

    /// The summary type a `Summarize` service function returns.
    fn summary_of(&self, service: usize, func: usize) -> &'a str {
        let calls = &self.plan.modules[service].funcs[func].calls;
        let (model, helper) = calls[1];
        self.func(model, helper)
    }

    // --- services -------------------------------------------------------------------------------------

    fn services(&self, out: &mut String, module: &Module) {
        let e = &self.plan.entities[module.entity];
        let repo = self.plan.features[module.feature].modules[Layer::Repository.index()][module.k];
        self.doc(out, "Business rules", module);
        if self.diesel {
            out.push_str("use crate::db::{self, Pool};\n");
        } else {
            out.push_str("use crate::db::Pool;\n");
        }
        out.push_str("use crate::error::{AppError, AppResult};\n");
        self.model_import(out, module, true);
        w!(out, "use crate::repository::{} as repo;\n", self.stem(repo));
        out.push_str("use crate::util::{Page, PageParams};\n");
        let (aw, asy, id, label) = (self.aw, self.asy, self.id_ty, &e.label);
        let (conn_open, conn) = if self.diesel {
            ("    let mut conn = db::conn(pool)?;\n", "&mut conn")
        } else {
            ("", "pool")
        };
        for func in &module.funcs {
            let name = &func.name;
            let call = |i: usize| {
                let (m, f) = func.calls[i];
                self.func(m, f)
            };
            out.push('\n');
            match func.shape {
                Shape::Get => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, id: {id}) -> AppResult<{}> {{\n{conn_open}",
                        e.row
                    );
                    self.extras(out, Layer::Services, &func.extras);
                    w!(
                        out,
                        "    repo::{}({conn}, id){aw}?\n        .ok_or_else(|| AppError::not_found(format!(\"{label} {{id}}\")))\n}}\n",
                        call(0)
                    );
                }
                Shape::Exists => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, id: {id}) -> AppResult<bool> {{\n{conn_open}"
                    );
                    self.extras(out, Layer::Services, &func.extras);
                    w!(
                        out,
                        "    let found = repo::{}({conn}, id){aw}?;\n    Ok(found.is_some())\n}}\n",
                        call(0)
                    );
                }
                Shape::Page => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, params: PageParams) -> AppResult<Page<{}>> {{\n{conn_open}",
                        e.view
                    );
                    w!(
                        out,
                        "    let rows = repo::{}({conn}, params.limit(), params.offset()){aw}?;\n",
                        call(0)
                    );
                    w!(
                        out,
                        "    let total = repo::{}({conn}, {}::Active.as_str()){aw}?;\n",
                        call(1),
                        e.status
                    );
                    w!(
                        out,
                        "    let views = rows.into_iter().map({}::from).collect();\n    Ok(Page::new(views, params, total))\n}}\n",
                        e.view
                    );
                }
                Shape::Create => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, new: {}) -> AppResult<{}> {{\n{conn_open}",
                        e.new,
                        e.view
                    );
                    w!(out, "    model::{}(&new).map_err(AppError::bad_request)?;\n", call(0));
                    w!(out, "    let created = repo::{}({conn}, &new){aw}?;\n", call(1));
                    if !func.extras.is_empty() {
                        out.push_str("    let id = created.id;\n");
                        self.extras(out, Layer::Services, &func.extras);
                    }
                    w!(
                        out,
                        "    tracing::info!(id = created.id, \"created\");\n    Ok({}::from(created))\n}}\n",
                        e.view
                    );
                }
                Shape::SetStatus => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, id: {id}, status: {}) -> AppResult<{}> {{\n{conn_open}",
                        e.status,
                        e.row
                    );
                    self.extras(out, Layer::Services, &func.extras);
                    w!(
                        out,
                        "    let changed = repo::{}({conn}, id, status.as_str()){aw}?;\n",
                        call(0)
                    );
                    w!(
                        out,
                        "    if changed == 0 {{\n        return Err(AppError::not_found(format!(\"{label} {{id}}\")));\n    }}\n"
                    );
                    w!(
                        out,
                        "    repo::{}({conn}, id){aw}?\n        .ok_or_else(|| AppError::not_found(format!(\"{label} {{id}}\")))\n}}\n",
                        call(1)
                    );
                }
                Shape::Remove => {
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, id: {id}) -> AppResult<()> {{\n{conn_open}"
                    );
                    self.extras(out, Layer::Services, &func.extras);
                    w!(
                        out,
                        "    if repo::{}({conn}, id){aw}? == 0 {{\n        return Err(AppError::not_found(format!(\"{label} {{id}}\")));\n    }}\n    Ok(())\n}}\n",
                        call(0)
                    );
                }
                _ => {
                    let summary = call(1);
                    w!(
                        out,
                        "pub {asy}fn {name}(pool: &Pool, params: PageParams) -> AppResult<model::{summary}> {{\n{conn_open}"
                    );
                    w!(
                        out,
                        "    let rows = repo::{}({conn}, params.limit(), params.offset()){aw}?;\n",
                        call(0)
                    );
                    w!(out, "    Ok(model::{summary}::from_rows(&rows))\n}}\n");
                }
            }
        }
    }

    // --- repositories ---------------------------------------------------------------------------------

    fn repository(&self, out: &mut String, module: &Module) {
        let e = &self.plan.entities[module.entity];
        self.doc(out, "Queries", module);
        let table = self.table(module.table);
        let t = &table.name;
        if self.diesel {
            out.push_str("use diesel::prelude::*;\nuse diesel::PgConnection;\n\n");
            self.model_import(out, module, false);
            out.push_str("use crate::schema::{");
            for (i, &t) in module.tables.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&self.table(t).name);
            }
            out.push_str("};\n");
        } else {
            out.push_str("use sqlx::Row;\n\nuse crate::db::Pool;\nuse crate::error::AppResult;\n");
            self.model_import(out, module, false);
            out.push_str("use crate::util;\n");
        }
        let id = self.id_ty;
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let column_list = columns.join(", ");
        // Columns an insert sets from the payload: all but the id and the timestamps.
        let payload: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !matches!(*c, "id" | "created_at" | "updated_at"))
            .collect();
        let mut seen = [0usize; SHAPE_SLOTS];
        for func in &module.funcs {
            let name = &func.name;
            let n = &mut seen[func.shape.slot()];
            *n += 1;
            let variant = *n % 2 == 0;
            out.push('\n');
            if self.diesel {
                let sig = |out: &mut String, args: &str, ret: &str| {
                    w!(
                        out,
                        "pub fn {name}(conn: &mut PgConnection{args}) -> QueryResult<{ret}> {{\n"
                    );
                    self.extras(out, Layer::Repository, &func.extras);
                };
                match func.shape {
                    Shape::Find => {
                        sig(out, &format!(", id: {id}"), &format!("Option<{}>", e.row));
                        let filter = if variant {
                            format!("\n        .filter({t}::status.ne(\"archived\"))")
                        } else {
                            String::new()
                        };
                        w!(
                            out,
                            "    {t}::table\n        .find(id){filter}\n        .select({}::as_select())\n        .first(conn)\n        .optional()\n}}\n",
                            e.row
                        );
                    }
                    Shape::List => {
                        sig(out, ", limit: i64, offset: i64", &format!("Vec<{}>", e.row));
                        let order = if variant { "id.asc()" } else { "created_at.desc()" };
                        w!(
                            out,
                            "    {t}::table\n        .order({t}::{order})\n        .limit(limit)\n        .offset(offset)\n        .select({}::as_select())\n        .load(conn)\n}}\n",
                            e.row
                        );
                    }
                    Shape::Count | Shape::Tally(_) => {
                        let t = match func.shape {
                            Shape::Tally(other) => &self.table(other).name,
                            _ => t,
                        };
                        sig(out, ", status: &str", "i64");
                        w!(
                            out,
                            "    {t}::table\n        .filter({t}::status.eq(status))\n        .count()\n        .get_result(conn)\n}}\n"
                        );
                    }
                    Shape::Insert => {
                        sig(out, &format!(", new: &{}", e.new), &e.row);
                        w!(
                            out,
                            "    let row = {} {{ status: new.status.trim().to_owned(), ..new.clone() }};\n    diesel::insert_into({t}::table)\n        .values(&row)\n        .returning({}::as_returning())\n        .get_result(conn)\n}}\n",
                            e.new,
                            e.row
                        );
                    }
                    Shape::Update => {
                        sig(out, &format!(", id: {id}, status: &str"), "usize");
                        w!(
                            out,
                            "    diesel::update({t}::table.find(id))\n        .set(({t}::status.eq(status), {t}::updated_at.eq(diesel::dsl::now)))\n        .execute(conn)\n}}\n"
                        );
                    }
                    Shape::Delete => {
                        sig(out, &format!(", id: {id}"), "usize");
                        w!(out, "    diesel::delete({t}::table.find(id)).execute(conn)\n}}\n");
                    }
                    Shape::Touch(other) => {
                        let t = &self.table(other).name;
                        sig(out, ", status: &str", "usize");
                        w!(
                            out,
                            "    diesel::update({t}::table.filter({t}::status.eq(status)))\n        .set({t}::updated_at.eq(diesel::dsl::now))\n        .execute(conn)\n}}\n"
                        );
                    }
                    _ => {}
                }
            } else {
                let sig = |out: &mut String, args: &str, ret: &str| {
                    w!(out, "pub async fn {name}(pool: &Pool{args}) -> AppResult<{ret}> {{\n");
                    self.extras(out, Layer::Repository, &func.extras);
                };
                match func.shape {
                    Shape::Find => {
                        sig(out, &format!(", id: {id}"), &format!("Option<{}>", e.row));
                        let filter = if variant { " AND status <> 'archived'" } else { "" };
                        w!(
                            out,
                            "    let row = sqlx::query_as::<_, {}>(\"SELECT {column_list} FROM {t} WHERE id = $1{filter}\")\n        .bind(id)\n        .fetch_optional(pool)\n        .await?;\n    Ok(row)\n}}\n",
                            e.row
                        );
                    }
                    Shape::List => {
                        sig(out, ", limit: i64, offset: i64", &format!("Vec<{}>", e.row));
                        let order = if variant { "id" } else { "created_at DESC" };
                        w!(
                            out,
                            "    let rows = sqlx::query_as::<_, {}>(\n        \"SELECT {column_list} FROM {t} ORDER BY {order} LIMIT $1 OFFSET $2\",\n    )\n    .bind(limit)\n    .bind(offset)\n    .fetch_all(pool)\n    .await?;\n    Ok(rows)\n}}\n",
                            e.row
                        );
                    }
                    Shape::Count | Shape::Tally(_) => {
                        let t = match func.shape {
                            Shape::Tally(other) => &self.table(other).name,
                            _ => t,
                        };
                        sig(out, ", status: &str", "i64");
                        w!(
                            out,
                            "    let total: i64 = sqlx::query_scalar(\"SELECT COUNT(*) FROM {t} WHERE status = $1\")\n        .bind(status)\n        .fetch_one(pool)\n        .await?;\n    Ok(total)\n}}\n"
                        );
                    }
                    Shape::Insert => {
                        sig(out, &format!(", new: &{}", e.new), &e.row);
                        let mut names = payload.join(", ");
                        names.push_str(", created_at, updated_at");
                        let mut values = String::new();
                        for i in 1..=payload.len() + 2 {
                            if i > 1 {
                                values.push_str(", ");
                            }
                            w!(values, "${i}");
                        }
                        out.push_str("    let now = util::now();\n");
                        w!(
                            out,
                            "    let row = sqlx::query(\"INSERT INTO {t} ({names}) VALUES ({values}) RETURNING id\")\n"
                        );
                        for column in &payload {
                            w!(out, "        .bind(&new.{column})\n");
                        }
                        out.push_str("        .bind(now)\n        .bind(now)\n        .fetch_one(pool)\n        .await?;\n");
                        w!(out, "    let id: {id} = row.try_get(\"id\")?;\n    Ok({} {{\n", e.row);
                        for column in &columns {
                            match *column {
                                "id" => out.push_str("        id,\n"),
                                "created_at" | "updated_at" => w!(out, "        {column}: now,\n"),
                                _ => w!(out, "        {column}: new.{column}.clone(),\n"),
                            }
                        }
                        out.push_str("    })\n}\n");
                    }
                    Shape::Update => {
                        sig(out, &format!(", id: {id}, status: &str"), "u64");
                        w!(
                            out,
                            "    let done = sqlx::query(\"UPDATE {t} SET status = $1, updated_at = $2 WHERE id = $3\")\n        .bind(status)\n        .bind(util::now())\n        .bind(id)\n        .execute(pool)\n        .await?;\n    Ok(done.rows_affected())\n}}\n"
                        );
                    }
                    Shape::Delete => {
                        sig(out, &format!(", id: {id}"), "u64");
                        w!(
                            out,
                            "    let done = sqlx::query(\"DELETE FROM {t} WHERE id = $1\").bind(id).execute(pool).await?;\n    Ok(done.rows_affected())\n}}\n"
                        );
                    }
                    Shape::Touch(other) => {
                        let t = &self.table(other).name;
                        sig(out, ", status: &str", "u64");
                        w!(
                            out,
                            "    let done = sqlx::query(\"UPDATE {t} SET updated_at = $1 WHERE status = $2\")\n        .bind(util::now())\n        .bind(status)\n        .execute(pool)\n        .await?;\n    Ok(done.rows_affected())\n}}\n"
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    // --- models ---------------------------------------------------------------------------------------

    fn models(&self, out: &mut String, module: &Module) {
        let e = &self.plan.entities[module.entity];
        let table = self.table(module.table);
        self.doc(out, "Row types, payloads and views", module);
        out.push_str("use chrono::NaiveDateTime;\n");
        if self.diesel {
            out.push_str("use diesel::prelude::*;\n");
        }
        out.push_str("use serde::{Deserialize, Serialize};\n\n");
        let attr = format!("#[diesel(table_name = crate::schema::{})]\n", table.name);
        if self.diesel {
            out.push_str(
                "#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]\n",
            );
            out.push_str(&attr);
            out.push_str("#[diesel(check_for_backend(diesel::pg::Pg))]\n");
        } else {
            out.push_str("#[derive(Debug, Clone, Serialize, sqlx::FromRow)]\n");
        }
        w!(out, "pub struct {} {{\n", e.row);
        for column in &table.columns {
            w!(out, "    pub {}: {},\n", column.name, column.rust);
        }
        out.push_str("}\n\n");
        if self.diesel {
            out.push_str("#[derive(Debug, Clone, Insertable, Deserialize)]\n");
            out.push_str(&attr);
        } else {
            out.push_str("#[derive(Debug, Clone, Deserialize)]\n");
        }
        w!(out, "pub struct {} {{\n", e.new);
        for column in &table.columns {
            if !matches!(column.name.as_str(), "id" | "created_at" | "updated_at") {
                w!(out, "    pub {}: {},\n", column.name, column.rust);
            }
        }
        out.push_str("}\n\n");
        let (row, status, view, id) = (&e.row, &e.status, &e.view, self.id_ty);
        w!(
            out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum {status} {{
    Draft,
    Active,
    Archived,
}}

impl {status} {{
    pub fn as_str(&self) -> &'static str {{
        match self {{
            {status}::Draft => \"draft\",
            {status}::Active => \"active\",
            {status}::Archived => \"archived\",
        }}
    }}

    pub fn parse(raw: &str) -> Option<{status}> {{
        match raw {{
            \"draft\" => Some({status}::Draft),
            \"active\" => Some({status}::Active),
            \"archived\" => Some({status}::Archived),
            _ => None,
        }}
    }}
}}

impl {row} {{
    pub fn is_active(&self) -> bool {{
        self.status == {status}::Active.as_str()
    }}

    pub fn age_seconds(&self, now: NaiveDateTime) -> i64 {{
        (now - self.created_at).num_seconds()
    }}
}}

#[derive(Debug, Clone, Serialize)]
pub struct {view} {{
    pub id: {id},
    pub status: String,
    pub label: String,
}}

impl From<{row}> for {view} {{
    fn from(row: {row}) -> {view} {{
        let label = format!(\"#{{}} ({{}})\", row.id, row.status);
        {view} {{ id: row.id, status: row.status, label }}
    }}
}}
"
        );
        if module.k > 0 {
            // A later model of a feature belongs to the feature's main entity.
            let main = self.plan.features[module.feature].modules[Layer::Models.index()][0];
            let parent = self.entity(main);
            let path = format!("crate::models::{}", self.stem(main));
            w!(
                out,
                "
impl {row} {{
    pub fn belongs_to(&self, parent: &{path}::{}) -> bool {{
        self.created_at >= parent.created_at && parent.status != {path}::{}::Archived.as_str()
    }}
}}
",
                parent.row,
                parent.status
            );
        }
        for (i, func) in module.funcs.iter().enumerate() {
            let name = &func.name;
            out.push('\n');
            if func.shape == Shape::Validate {
                w!(
                    out,
                    "pub fn {name}(new: &{}) -> Result<(), String> {{
    if new.status.trim().is_empty() {{
        return Err(\"status is required\".to_owned());
    }}
    if {status}::parse(&new.status).is_none() {{
        return Err(format!(\"unknown status {{}}\", new.status));
    }}
    Ok(())
}}
",
                    e.new
                );
            } else {
                w!(
                    out,
                    "#[derive(Debug, Clone, Default, Serialize)]
pub struct {name} {{
    pub total: usize,
    pub active: usize,
    pub newest: Option<NaiveDateTime>,
}}

impl {name} {{
    pub fn from_rows(rows: &[{row}]) -> {name} {{
        let mut summary = {name}::default();
        for row in rows {{
            summary.total += 1;
            if row.is_active() {{
                summary.active += 1;
            }}
            summary.newest = summary.newest.max(Some(row.created_at));
        }}
        summary
    }}
}}
"
                );
            }
            for extra in &func.extras {
                if let Extra::Peer { module: other } = *extra {
                    let other_row = &self.entity(other).row;
                    w!(
                        out,
                        "\npub fn peer_{}(row: &{row}, other: &crate::models::{}::{other_row}) -> bool {{\n    row.id == other.id && row.status == other.status\n}}\n",
                        i + 1,
                        self.stem(other)
                    );
                }
            }
        }
    }

    // --- planted extra references ---------------------------------------------------------------------

    fn extras(&self, out: &mut String, layer: Layer, extras: &[Extra]) {
        let aw = self.aw;
        let pool = if layer == Layer::Handlers { "&pool" } else { "pool" };
        for (i, extra) in extras.iter().enumerate() {
            let linked = if i == 0 { "linked".to_owned() } else { format!("linked_{}", i + 1) };
            match *extra {
                Extra::Service { module, func } => {
                    let path = self.stem(module);
                    let name = self.func(module, func);
                    if self.plan.modules[module].funcs[func].shape == Shape::Get {
                        w!(
                            out,
                            "    let {linked} = crate::services::{path}::{name}({pool}, id){aw}?;\n    tracing::debug!(linked = {linked}.id, \"linked record loaded\");\n"
                        );
                    } else {
                        w!(
                            out,
                            "    if !crate::services::{path}::{name}({pool}, id){aw}? {{\n        return Err(AppError::not_found(\"linked record\"));\n    }}\n"
                        );
                    }
                }
                Extra::Repo { module, func } => {
                    let path = self.stem(module);
                    let name = self.func(module, func);
                    let conn = if self.diesel { "&mut conn" } else { "pool" };
                    w!(
                        out,
                        "    let {linked} = crate::repository::{path}::{name}({conn}, id){aw}?;\n    tracing::debug!(found = {linked}.is_some(), \"peer record\");\n"
                    );
                }
                Extra::ModelRef { module } => {
                    w!(
                        out,
                        "    let kind = crate::models::{}::{}::Active.as_str();\n    tracing::debug!(kind, \"related kind\");\n",
                        self.stem(module),
                        self.entity(module).status
                    );
                }
                Extra::ReadTable { table } => {
                    let t = &self.table(table).name;
                    if self.diesel {
                        w!(
                            out,
                            "    let shared: i64 = {t}::table.filter({t}::status.eq(\"active\")).count().get_result(conn)?;\n    tracing::debug!(shared, \"active rows\");\n"
                        );
                    } else {
                        w!(
                            out,
                            "    let shared: i64 = sqlx::query_scalar(\"SELECT COUNT(*) FROM {t} WHERE status = 'active'\")\n        .fetch_one(pool)\n        .await?;\n    tracing::debug!(shared, \"active rows\");\n"
                        );
                    }
                }
                Extra::Peer { .. } => {}
            }
        }
    }

    // --- the rest of the crate ------------------------------------------------------------------------

    fn mod_rs(&self, layer: Layer) -> String {
        let mut stems: Vec<&str> = self
            .plan
            .modules
            .iter()
            .filter(|m| m.layer == layer)
            .map(|m| m.stem.as_str())
            .collect();
        stems.sort_unstable();
        let mut out = String::with_capacity(stems.len() * 24 + 64);
        let what = match layer {
            Layer::Handlers => "HTTP handlers",
            Layer::Services => "Business logic",
            Layer::Repository => "Database access",
            Layer::Models => "Data types",
        };
        w!(out, "//! {what}, one module per concern.\n\n");
        for stem in stems {
            w!(out, "pub mod {stem};\n");
        }
        out
    }

    fn main_rs(&self) -> String {
        let mut out = String::with_capacity(self.plan.modules.len() * 2048);
        out.push_str("//! The service binary: reads its settings, opens the pool and serves every endpoint.\n\n");
        for module in ["config", "db", "error", "handlers", "models", "repository"] {
            w!(out, "mod {module};\n");
        }
        if self.diesel {
            out.push_str("mod schema;\n");
        }
        out.push_str("mod services;\nmod util;\n\n");
        out.push_str("use axum::routing::{delete, get, post, put};\nuse axum::Router;\n\nuse crate::config::Settings;\n\n");
        out.push_str("/// Every route of the application (one statement per route keeps the expression flat).\n");
        out.push_str("fn router(pool: db::Pool) -> Router {\n    let mut app: Router<db::Pool> = Router::new();\n");
        let mut handlers: Vec<&Module> =
            self.plan.modules.iter().filter(|m| m.layer == Layer::Handlers).collect();
        handlers.sort_by(|a, b| a.stem.cmp(&b.stem));
        for module in handlers {
            let stem = &module.stem;
            for func in &module.funcs {
                let name = &func.name;
                let (method, tail) = match func.shape {
                    Shape::Get | Shape::Exists => ("get", "/{id}"),
                    Shape::Create => ("post", ""),
                    Shape::SetStatus => ("put", "/{id}/{status}"),
                    Shape::Remove => ("delete", "/{id}"),
                    _ => ("get", ""),
                };
                w!(
                    out,
                    "    app = app.route(\"/{stem}/{name}{tail}\", {method}(handlers::{stem}::{name}));\n"
                );
            }
        }
        out.push_str("    app.with_state(pool)\n}\n\n");
        let connect =
            if self.diesel { "db::connect(&settings)?" } else { "db::connect(&settings).await?" };
        w!(
            out,
            "#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let settings = Settings::from_env();
    let pool = {connect};
    let app = router(pool);
    let listener = tokio::net::TcpListener::bind((\"0.0.0.0\", settings.port)).await?;
    tracing::info!(port = settings.port, \"listening\");
    axum::serve(listener, app).await?;
    Ok(())
}}
"
        );
        out
    }

    fn error_rs(&self) -> String {
        let mut out = String::from(ERROR_RS);
        if self.diesel {
            out.push_str(
                "
impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> AppError {
        match err {
            diesel::result::Error::NotFound => AppError::NotFound(\"row\".to_owned()),
            other => AppError::Database(other.to_string()),
        }
    }
}
",
            );
        } else {
            out.push_str(
                "
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        match err {
            sqlx::Error::RowNotFound => AppError::NotFound(\"row\".to_owned()),
            other => AppError::Database(other.to_string()),
        }
    }
}
",
            );
        }
        out
    }

    fn db_rs(&self) -> &'static str {
        if self.diesel { DB_DIESEL_RS } else { DB_SQLX_RS }
    }

    fn schema_rs(&self) -> String {
        let mut out = String::with_capacity(self.plan.tables.len() * 256);
        out.push_str("// @generated automatically by Diesel CLI.\n");
        let mut tables: Vec<&TableDef> = self.plan.tables.iter().collect();
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &tables {
            w!(out, "\ndiesel::table! {{\n    {} (id) {{\n", table.name);
            for column in &table.columns {
                w!(out, "        {} -> {},\n", column.name, column.diesel);
            }
            out.push_str("    }\n}\n");
        }
        out.push_str("\ndiesel::allow_tables_to_appear_in_same_query!(\n");
        for table in &tables {
            w!(out, "    {},\n", table.name);
        }
        out.push_str(");\n");
        out
    }
}

fn cargo_toml(style: DataStyle) -> String {
    let data = match style {
        DataStyle::Sql => {
            "sqlx = { version = \"0.8\", features = [\"runtime-tokio\", \"postgres\", \"chrono\"] }\n"
        }
        DataStyle::Diesel => {
            "diesel = { version = \"2.2\", features = [\"postgres\", \"r2d2\", \"chrono\"] }\n"
        }
    };
    format!(
        "[package]
name = \"synth\"
version = \"0.1.0\"
edition = \"2021\"
description = \"Synthetic layered monolith generated by decompose's test suite\"
publish = false

[dependencies]
axum = \"0.8\"
chrono = {{ version = \"0.4\", features = [\"serde\"] }}
{data}serde = {{ version = \"1\", features = [\"derive\"] }}
serde_json = \"1\"
tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\"] }}
tracing = \"0.1\"

[workspace]
"
    )
}

const CONFIG_RS: &str = "//! Settings, read from the environment.

use std::env;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub max_connections: u32,
    pub port: u16,
}

impl Settings {
    pub fn from_env() -> Settings {
        let database_url =
            env::var(\"DATABASE_URL\").unwrap_or_else(|_| \"postgres://localhost/synth\".to_owned());
        let max_connections = env::var(\"DB_MAX_CONNECTIONS\").ok().and_then(|raw| raw.parse().ok()).unwrap_or(10);
        let port = env::var(\"PORT\").ok().and_then(|raw| raw.parse().ok()).unwrap_or(8080);
        Settings { database_url, max_connections, port }
    }
}

/// The largest page a list endpoint serves.
pub fn max_page_size() -> i64 {
    env::var(\"MAX_PAGE_SIZE\").ok().and_then(|raw| raw.parse().ok()).unwrap_or(100)
}
";

const UTIL_RS: &str = "//! Small helpers every layer uses: paging and the clock.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PageParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PageParams {
    pub fn limit(&self) -> i64 {
        self.per_page.unwrap_or(20).clamp(1, crate::config::max_page_size())
    }

    pub fn offset(&self) -> i64 {
        (self.page.unwrap_or(1).max(1) - 1) * self.limit()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, params: PageParams, total: i64) -> Page<T> {
        Page { items, total, page: params.page.unwrap_or(1) }
    }
}

pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

pub fn normalize(text: &str) -> String {
    text.trim().to_lowercase()
}
";

const ERROR_RS: &str = "//! The application error and its HTTP mapping.

use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    BadRequest(String),
    Conflict(String),
    Database(String),
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound(what.into())
    }

    pub fn bad_request(why: impl Into<String>) -> AppError {
        AppError::BadRequest(why.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::NotFound(what) => write!(f, \"not found: {what}\"),
            AppError::BadRequest(why) => write!(f, \"bad request: {why}\"),
            AppError::Conflict(why) => write!(f, \"conflict: {why}\"),
            AppError::Database(why) => write!(f, \"database error: {why}\"),
            AppError::Internal(why) => write!(f, \"internal error: {why}\"),
        }
    }
}

impl std::error::Error for AppError {}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}
";

const DB_SQLX_RS: &str = "//! The connection pool every repository uses.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::config::Settings;

pub type Pool = PgPool;

pub async fn connect(settings: &Settings) -> Result<Pool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&settings.database_url)
        .await
}

/// Cheap round trip for health checks.
pub async fn ping(pool: &Pool) -> bool {
    sqlx::query_scalar::<_, i32>(\"SELECT 1\").fetch_one(pool).await.map(|one| one == 1).unwrap_or(false)
}
";

const DB_DIESEL_RS: &str = "//! The connection pool every service checks connections out of.

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool as R2d2Pool, PooledConnection};

use crate::config::Settings;
use crate::error::AppError;

pub type Pool = R2d2Pool<ConnectionManager<PgConnection>>;
pub type Conn = PooledConnection<ConnectionManager<PgConnection>>;

pub fn connect(settings: &Settings) -> Result<Pool, AppError> {
    let manager = ConnectionManager::<PgConnection>::new(&settings.database_url);
    R2d2Pool::builder()
        .max_size(settings.max_connections)
        .build(manager)
        .map_err(|err| AppError::Internal(err.to_string()))
}

pub fn conn(pool: &Pool) -> Result<Conn, AppError> {
    pool.get().map_err(|err| AppError::Internal(err.to_string()))
}
";

#[cfg(test)]
mod tests {
    use super::*;

    fn params(style: DataStyle, naming: Naming) -> SynthParams {
        SynthParams {
            features: 7,
            modules_per_layer: 2,
            lines_per_module: 150,
            style,
            naming,
            noise: 0.1,
            seed: 7,
        }
    }

    const ALL: [(DataStyle, Naming); 4] = [
        (DataStyle::Sql, Naming::Named),
        (DataStyle::Sql, Naming::Opaque),
        (DataStyle::Diesel, Naming::Named),
        (DataStyle::Diesel, Naming::Opaque),
    ];

    #[test]
    fn same_parameters_give_identical_files() {
        for (style, naming) in ALL {
            let a = generate(&params(style, naming));
            let b = generate(&params(style, naming));
            assert!(a.files == b.files, "{style:?}/{naming:?}: files differ between runs");
            assert_eq!(a.truth, b.truth);
            assert_eq!(a.tables, b.tables);
            let other = generate(&SynthParams { seed: 8, ..params(style, naming) });
            assert!(a.files != other.files, "{style:?}/{naming:?}: the seed changes nothing");
        }
    }

    #[test]
    fn every_module_in_truth_is_a_file_and_declared() {
        for (style, naming) in ALL {
            let synth = generate(&params(style, naming));
            let files: BTreeMap<&str, &str> =
                synth.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            assert!(synth.files.windows(2).all(|w| w[0].0 < w[1].0), "files are sorted and unique");
            assert_eq!(synth.truth.len(), 7 * 2 * 4);
            for (id, &feature) in &synth.truth {
                assert!(feature < 7);
                let parts: Vec<&str> = id.split("::").collect();
                let [crate_name, layer, stem] = parts[..] else { panic!("bad module id {id}") };
                assert_eq!(crate_name, "synth");
                assert!(files.contains_key(format!("src/{layer}/{stem}.rs").as_str()), "{id}");
                let declared = files[format!("src/{layer}/mod.rs").as_str()];
                assert!(declared.contains(&format!("pub mod {stem};\n")), "{id} not declared");
            }
            // Every feature owns 1–3 tables, every table is named in some repository.
            for feature in 0..7 {
                let owned = synth.tables.values().filter(|&&f| f == feature).count();
                assert!((1..=3).contains(&owned), "feature {feature} owns {owned} tables");
            }
            let used: std::collections::BTreeSet<&str> = synth
                .files
                .iter()
                .filter(|(p, _)| p.starts_with("src/repository/"))
                .flat_map(|(_, t)| tokens(t))
                .collect();
            for table in synth.tables.keys() {
                assert!(used.contains(table.as_str()), "table {table} unused");
            }
            assert!(files.contains_key("Cargo.toml"));
            assert_eq!(files.contains_key("src/schema.rs"), style == DataStyle::Diesel);
        }
    }

    /// The identifiers and words of a text (code, strings and comments alike).
    fn tokens(text: &str) -> impl Iterator<Item = &str> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|t| !t.is_empty())
    }

    #[test]
    fn opaque_names_carry_no_feature_word() {
        let mut vocabulary: std::collections::BTreeSet<&str> =
            VOCABULARY.iter().flat_map(|(w, e, p)| [*w, *e, *p]).collect();
        // diesel's `.order(..)` and SQL's `ORDER BY` are the query language, not the feature.
        vocabulary.remove("order");
        for (style, naming) in
            [(DataStyle::Sql, Naming::Opaque), (DataStyle::Diesel, Naming::Opaque)]
        {
            let synth = generate(&SynthParams { features: 50, ..params(style, naming) });
            for (path, text) in &synth.files {
                for token in tokens(path).chain(tokens(text)) {
                    let lower = token.to_ascii_lowercase();
                    let hit = vocabulary.contains(lower.as_str())
                        || lower.split('_').any(|word| vocabulary.contains(word));
                    assert!(!hit, "{path} mentions the feature word in {token}");
                }
            }
            for (id, table) in synth.truth.keys().zip(synth.tables.keys()) {
                assert!(id.rsplit("::").next().is_some_and(|stem| stem.starts_with('m')), "{id}");
                assert!(table.starts_with("t_"), "{table}");
            }
        }
    }

    #[test]
    fn sizes_are_roughly_as_requested() {
        for (style, naming) in ALL {
            for (features, per_layer, lines) in [(5, 1, 100), (12, 2, 300), (8, 3, 800)] {
                let synth = generate(&SynthParams {
                    features,
                    modules_per_layer: per_layer,
                    lines_per_module: lines,
                    ..params(style, naming)
                });
                let requested = features * 4 * per_layer * lines;
                let ratio = synth.code_lines as f64 / requested as f64;
                assert!(
                    (0.8..1.3).contains(&ratio),
                    "{style:?}/{naming:?} {features}x{per_layer}x{lines}: {} code lines for {requested} requested",
                    synth.code_lines
                );
            }
        }
    }

    #[test]
    fn generated_code_parses_without_errors() {
        for (style, naming) in ALL {
            let synth = generate(&params(style, naming));
            for (path, text) in synth.files.iter().filter(|(p, _)| p.ends_with(".rs")) {
                let parsed = crate::parse::parse(text, crate::discover::Edition::E2021);
                assert!(parsed.errors.is_empty(), "{path}: {:?}", parsed.errors);
            }
        }
    }

    #[test]
    fn vocabulary_is_distinct_and_large_enough() {
        let mut words: Vec<&str> = VOCABULARY.iter().flat_map(|(w, e, p)| [*w, *e, *p]).collect();
        words.sort_unstable();
        let before = words.len();
        words.dedup();
        // A feature word may equal its table (`orders`), nothing else repeats.
        assert!(before - words.len() <= VOCABULARY.len());
        let features: std::collections::BTreeSet<&str> = VOCABULARY.iter().map(|v| v.0).collect();
        assert!(features.len() >= 40);
    }
}
