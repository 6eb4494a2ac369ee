// Dispatching on the dispatcher's desk, loaded with the cell drawer.

export { mountDispatch } from './panel';
