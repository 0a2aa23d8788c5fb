//! Resources and actions built through one boxed shape, so the async machinery is compiled once per
//! result type rather than once per call site (the wasm download is budgeted).

use std::{future::Future, pin::Pin};

use leptos::prelude::*;

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;
type BoxedAction<I, O> = Box<dyn Fn(&I) -> Boxed<O>>;

/// A `LocalResource` whose fetcher is boxed.
pub fn load<T: 'static, Fut: Future<Output = T> + 'static>(
    fetcher: impl Fn() -> Fut + 'static,
) -> LocalResource<T> {
    let fetcher: Box<dyn Fn() -> Boxed<T>> = Box::new(move || Box::pin(fetcher()));
    LocalResource::new(fetcher)
}

/// An `Action::new_local` whose function is boxed.
pub fn act<I: 'static, O: 'static, Fut: Future<Output = O> + 'static>(
    action: impl Fn(&I) -> Fut + 'static,
) -> Action<I, O> {
    let action: BoxedAction<I, O> = Box::new(move |input| Box::pin(action(input)));
    Action::new_local(action)
}

/// A `Suspend` over a boxed future.
pub fn suspend<V: 'static>(fut: impl Future<Output = V> + Send + 'static) -> Suspend<V> {
    let fut: Pin<Box<dyn Future<Output = V> + Send>> = Box::pin(fut);
    Suspend::new(fut)
}
