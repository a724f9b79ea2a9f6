// IndexedDB: the outbox (reports and task answers with their photos) and a key-value store for the
// session, the offline bundle, the task inbox and recently used classes. IndexedDB survives
// reloads and closing the browser; photos are kept as ArrayBuffers, which every engine can store
// (older WebKit could not store Blobs).

const DB_NAME = "gridwatch-field";
const DB_VERSION = 1;
let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) {
          db.createObjectStore("outbox", { keyPath: "uuid" }).createIndex("created_at", "created_at");
        }
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB upgrade blocked by another tab"));
    });
  }
  return dbPromise;
}

async function run(storeName, mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const request = action(tx.objectStore(storeName));
    let result;
    if (request) request.onsuccess = () => { result = request.result; };
    // Resolve on commit, not on request success: only then is the write durable.
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export const kvGet = (key) => run("kv", "readonly", (s) => s.get(key));
export const kvSet = (key, value) => run("kv", "readwrite", (s) => s.put(value, key));
export const kvDelete = (key) => run("kv", "readwrite", (s) => s.delete(key));

export const outboxPut = (item) => run("outbox", "readwrite", (s) => s.put(item));
export const outboxGet = (uuid) => run("outbox", "readonly", (s) => s.get(uuid));
export const outboxDelete = (uuid) => run("outbox", "readwrite", (s) => s.delete(uuid));
/** Every item, oldest first. */
export const outboxAll = () => run("outbox", "readonly", (s) => s.index("created_at").getAll());

/** Apply ``change`` to the stored item inside one transaction (no lost updates between tabs). */
export async function outboxUpdate(uuid, change) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("outbox", "readwrite");
    const store = tx.objectStore("outbox");
    let updated = null;
    const request = store.get(uuid);
    request.onsuccess = () => {
      if (!request.result) return;
      updated = { ...request.result, ...change(request.result) };
      store.put(updated);
    };
    tx.oncomplete = () => resolve(updated);
    tx.onerror = () => reject(tx.error);
  });
}
