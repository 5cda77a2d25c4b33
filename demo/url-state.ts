// url-state.ts: the demo page's settings live in its address, so a link reproduces a configuration
// (`?<section id>.<attribute>=<value>`, e.g. `?fc-train.latent=16&fc-train.scale=tiny`). The mapping
// lives with the labs (src/ui/components/ae-experiment/address.ts), whose "Copy link" builds the same
// address; the page calls syncLabsWithAddress() before it defines the elements. Imports src/ui only.
export {
  applyQuery,
  labsBySection,
  linkTo,
  queryFor,
  syncLabsWithAddress,
} from '../src/ui/components/ae-experiment/address';
