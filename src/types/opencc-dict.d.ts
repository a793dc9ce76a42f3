// opencc-js publishes its dictionaries as modules (`opencc-js/dict/<name>`, through its `./*`
// export) without declarations: each is one string of `from to|from to…` entries.
declare module 'opencc-js/dict/*' {
  const dictionary: string;
  export default dictionary;
}
