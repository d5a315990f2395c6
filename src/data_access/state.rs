//! Shared mutable state in process: statics that can change while the program runs.
//!
//! State held in a process is what forces sticky sessions and blocks scaling out: two instances of a service
//! each have their own copy. A `static` counts when it can change after start-up: `static mut`; a lock
//! (`Mutex`, `RwLock`, also `parking_lot`'s and concurrent maps such as `DashMap`); an atomic; a `Cell`/`RefCell`;
//! or a `thread_local!` holding a cell. Statics declared by `lazy_static!` count by the same rule (`extract`
//! makes them items). A `Lazy`/`OnceLock`/`OnceCell` alone is written once and read after: not shared state
//! unless it holds one of the above. Every use of such a static is an access; the method called on it tells
//! read from write (`lock`, `write`, `store`, `fetch_add`, `insert` write; `read`, `load`, `get` read).
//!
//! Known blind spots: state reached through a function that returns a reference to it is attributed to that
//! function's module; an `Arc<Mutex<..>>` inside an application state struct is not a static and is not seen.

use crate::extract::ItemKind;
use crate::resolve::{ItemId, ModuleId, Resolved};
use crate::source::FileId;

use super::{Access, AccessMode, DataKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateKind {
    StaticMut,
    Lock,
    Atomic,
    Cell,
    ThreadLocal,
}

impl StateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StateKind::StaticMut => "static mut",
            StateKind::Lock => "lock",
            StateKind::Atomic => "atomic",
            StateKind::Cell => "cell",
            StateKind::ThreadLocal => "thread-local",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SharedState {
    pub item: ItemId,
    pub module: ModuleId,
    /// `crate::module::NAME`.
    pub path: String,
    pub kind: StateKind,
    pub type_text: String,
    pub file: FileId,
    pub line: u32,
}

const LOCK_TYPES: &[&str] =
    &["Mutex", "RwLock", "DashMap", "DashSet", "ArcSwap", "SegQueue", "ArrayQueue"];
const CELL_TYPES: &[&str] = &["RefCell", "Cell<", "UnsafeCell", "OnceCell<RefCell"];
const WRITE_METHODS: &[&str] = &[
    "lock",
    "try_lock",
    "write",
    "try_write",
    "borrow_mut",
    "store",
    "swap",
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_or",
    "fetch_xor",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "compare_exchange",
    "compare_exchange_weak",
    "insert",
    "remove",
    "push",
    "set",
    "replace",
    "take",
    "get_mut",
    "entry",
    "clear",
    "with_borrow_mut",
    "with",
];

/// The kind of state a static holds, or `None` when it cannot change after start-up.
pub fn state_kind(is_mut: bool, type_text: &str, declared_by: Option<&str>) -> Option<StateKind> {
    if is_mut {
        return Some(StateKind::StaticMut);
    }
    let compact: String = type_text.chars().filter(|c| !c.is_whitespace()).collect();
    let has = |names: &[&str]| names.iter().any(|n| compact.contains(n));
    if declared_by == Some("thread_local") {
        return (has(CELL_TYPES) || has(LOCK_TYPES)).then_some(StateKind::ThreadLocal);
    }
    if has(LOCK_TYPES) {
        Some(StateKind::Lock)
    } else if compact.contains("Atomic") {
        Some(StateKind::Atomic)
    } else if has(CELL_TYPES) {
        Some(StateKind::Cell)
    } else {
        None
    }
}

pub(super) fn analyze(resolved: &Resolved, include_tests: bool) -> (Vec<SharedState>, Vec<Access>) {
    let mut state: Vec<SharedState> = Vec::new();
    for (index, item) in resolved.items.iter().enumerate() {
        if item.kind != ItemKind::Static || (item.test_only && !include_tests) {
            continue;
        }
        let type_text = item.type_text.clone().unwrap_or_default();
        let Some(kind) = state_kind(item.is_mut, &type_text, item.parent.as_deref()) else {
            continue;
        };
        let module = resolved.module(item.module);
        state.push(SharedState {
            item: ItemId(index as u32),
            module: item.module,
            path: format!("{}::{}", module.path, item.name),
            kind,
            type_text,
            file: module.file,
            line: item.line,
        });
    }
    state.sort_by(|a, b| a.path.cmp(&b.path));

    let mut accesses = Vec::new();
    for (data, shared) in state.iter().enumerate() {
        // The defining module initialises the state: it writes it.
        accesses.push(Access {
            kind: DataKind::State,
            data,
            module: shared.module,
            item: Some(shared.item),
            mode: AccessMode::Write,
            file: shared.file,
            line: shared.line,
            via: "definition".to_owned(),
            dynamic: false,
        });
        for data_ref in resolved.data_refs.iter().filter(|r| r.to_item == Some(shared.item)) {
            // The `lazy_static!`/`thread_local!` call that declares it names it too; that is no use.
            let in_declaring_macro =
                data_ref.from_item.is_some_and(|i| resolved.item(i).kind == ItemKind::MacroCall);
            if (data_ref.test_only && !include_tests) || in_declaring_macro {
                continue;
            }
            let method = data_ref.receiver_of.as_deref();
            let write = shared.kind == StateKind::StaticMut
                || method.is_some_and(|m| WRITE_METHODS.contains(&m));
            accesses.push(Access {
                kind: DataKind::State,
                data,
                module: data_ref.from,
                item: data_ref.from_item,
                mode: if write { AccessMode::Write } else { AccessMode::Read },
                file: data_ref.file,
                line: data_ref.line,
                via: method.unwrap_or("use").to_owned(),
                dynamic: false,
            });
        }
    }
    (state, accesses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutable_statics_and_immutable_ones() {
        let kind =
            |is_mut, ty: &str, by: Option<&str>| state_kind(is_mut, ty, by).map(StateKind::as_str);
        assert_eq!(kind(false, "Lazy<Mutex<HashMap<i64, i64>>>", None), Some("lock"));
        assert_eq!(kind(false, "LazyLock<RwLock<HashMap<String, Session>>>", None), Some("lock"));
        assert_eq!(kind(false, "AtomicU64", None), Some("atomic"));
        assert_eq!(kind(true, "u32", None), Some("static mut"));
        assert_eq!(kind(false, "RefCell<Vec<u8>>", Some("thread_local")), Some("thread-local"));
        // Written once, read after: not shared mutable state.
        assert_eq!(kind(false, "u32", None), None);
        assert_eq!(kind(false, "&str", None), None);
        assert_eq!(kind(false, "Lazy<HashMap<&'static str, u32>>", None), None);
        assert_eq!(kind(false, "OnceLock<Config>", None), None);
        assert_eq!(kind(false, "u32", Some("thread_local")), None);
    }
}
