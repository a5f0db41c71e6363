// Browser tests each start a server and a Chromium; on CI's two cores they run one class at a time so that
// timeouts measure the app, not contention between test classes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
