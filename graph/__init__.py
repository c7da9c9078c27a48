"""The bottom layer: namespaces, IRIs, configuration, the store, validation and the build.

`loaders` and `server` import from here; nothing here imports from them (the build
asks the loader registry for its loaders at run time)."""
