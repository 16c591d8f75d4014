// A spec whose only content is comments and `;` has no items: it is empty.
/* nothing here */ ;

// expect: error E003 1:1
