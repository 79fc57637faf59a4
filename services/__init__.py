"""VELO's HTTP services, one app factory (`build_app(settings)`) per module: `edge`, `cloud`, `gateway` and
`edgeshard` (the sharded local LLM server). They import only `velo`; the `velo` command runs them."""
